/**
 * Writes a synthetic chap `list used` file in chap's exact format: glibc-like
 * usable sizes, some `... with signature` lines, a blank line after each
 * allocation and the closing tally. Deterministic (fixed seed).
 */
import { createWriteStream } from 'node:fs';

export interface GenResult {
  path: string;
  allocations: number;
  bytes: number;
  fileBytes: number;
}

export interface GenOptions {
  /** Every allocation gets a signature, cycling through this many distinct classes (a wide tree). */
  distinctClasses?: number;
}

export async function generateChapList(path: string, allocations: number, opts: GenOptions = {}): Promise<GenResult> {
  const out = createWriteStream(path);
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const classes = ['widgets::Rect', 'widgets::Circle', 'std::_Sp_counted_ptr<Session*>', 'app::CacheEntry'];
  let addr = 0x5574cccbc010;
  let total = 0;
  let fileBytes = 0;
  let buf = '';
  for (let i = 0; i < allocations; i++) {
    const r = rnd();
    const size = r < 0.97 ? 0x18 + 16 * Math.floor(rnd() * 24) : 0x18 + 16 * Math.floor(rnd() * 4096);
    buf += `Used allocation at ${addr.toString(16)} of size ${size.toString(16)}\n`;
    if (opts.distinctClasses) {
      const k = i % opts.distinctClasses;
      buf += `... with signature ${(0x7fc600000000 + k * 16).toString(16)}(gen::Class${k})\n`;
    } else if (r < 0.2) {
      const k = Math.floor(rnd() * classes.length);
      buf += `... with signature ${(0x7fc696ce0d90 + k * 0x28).toString(16)}(${classes[k]})\n`;
    }
    buf += '\n';
    addr += size + 8;
    total += size;
    if (buf.length > 1 << 20) {
      fileBytes += buf.length;
      if (!out.write(buf)) await new Promise<void>((res) => out.once('drain', () => res()));
      buf = '';
    }
  }
  buf += `${allocations} allocations use 0x${total.toString(16)} (${total.toLocaleString('en-US')}) bytes.\n`;
  fileBytes += buf.length;
  out.write(buf);
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
  return { path, allocations, bytes: total, fileBytes };
}
