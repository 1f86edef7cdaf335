/**
 * Writes a synthetic meliae dump in meliae's exact line format: `objects` objects
 * forming a random forest of containers (dict, list, tuple, instances with a
 * (dict, type) pair, modules) over leaves (str with len/value, int with value),
 * plus 10% extra cross references, some of them back edges (cycles).
 * Deterministic (fixed seed).
 */
import { createWriteStream } from 'node:fs';

export interface GenMeliaeResult {
  path: string;
  objects: number;
  refs: number;
  fileBytes: number;
}

export async function generateMeliae(path: string, objects: number): Promise<GenMeliaeResult> {
  let seed = 987654321;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const base = 140_000_000_000_000;
  const addr = (i: number) => base + i * 48;
  // Kinds: 0 str, 1 int, 2 dict, 3 list, 4 tuple, 5 Node instance, 6 module, 7 type.
  const kind = new Uint8Array(objects);
  const parent = new Int32Array(objects).fill(-1);
  const typeRow = 1; // row 1 is the `Node` type object
  for (let i = 0; i < objects; i++) {
    const r = rnd();
    kind[i] = i === 0 ? 6 : i === typeRow ? 7 : i % 1000 === 0 ? 6 : r < 0.4 ? 0 : r < 0.45 ? 1 : r < 0.6 ? 2 : r < 0.75 ? 3 : r < 0.85 ? 4 : 5;
  }
  // Each object except modules hangs under an earlier container (within 2000 rows).
  const kids: number[][] = Array.from({ length: objects }, () => []);
  for (let i = 2; i < objects; i++) {
    if (kind[i] === 6) continue;
    for (let tries = 0; tries < 8; tries++) {
      const p = Math.max(0, i - 1 - Math.floor(rnd() * 2000));
      if (kind[p] >= 2 && kind[p] !== 7) {
        parent[i] = p;
        kids[p].push(i);
        break;
      }
    }
  }
  let refs = 0;
  let fileBytes = 0;
  let buf = '';
  const out = createWriteStream(path);
  for (let i = 0; i < objects; i++) {
    const k = kind[i];
    const r = kids[i].slice();
    if (k >= 2 && k !== 7 && rnd() < 0.2) r.push(Math.floor(rnd() * objects)); // cross / back edge
    let line: string;
    if (k === 0) {
      const v = `s${i}-${'x'.repeat(i % 40)}`;
      line = `{"address": ${addr(i)}, "type": "str", "size": ${49 + v.length}, "len": ${v.length}, "value": "${v}", "refs": []}\n`;
      r.length = 0;
    } else if (k === 1) {
      line = `{"address": ${addr(i)}, "type": "int", "size": 28, "value": ${i * 7 - 5000}, "refs": []}\n`;
      r.length = 0;
    } else if (k === 5) {
      line = `{"address": ${addr(i)}, "type": "Node", "size": 56, "refs": [${[...r, typeRow].map(addr).join(', ')}]}\n`;
      refs += r.length + 1;
      r.length = 0;
    } else if (k === 6) {
      line = `{"address": ${addr(i)}, "type": "module", "size": 72, "name": "mod${i}", "refs": [${r.map(addr).join(', ')}]}\n`;
    } else if (k === 7) {
      line = `{"address": ${addr(i)}, "type": "type", "size": 1064, "name": "Node", "refs": []}\n`;
      r.length = 0;
    } else {
      const t = k === 2 ? 'dict' : k === 3 ? 'list' : 'tuple';
      const size = k === 2 ? 232 + 48 * r.length : 56 + 8 * r.length;
      line = `{"address": ${addr(i)}, "type": "${t}", "size": ${size}, "len": ${r.length}, "refs": [${r.map(addr).join(', ')}]}\n`;
    }
    refs += r.length;
    buf += line;
    if (buf.length > 1 << 20) {
      fileBytes += buf.length;
      if (!out.write(buf)) await new Promise<void>((res) => out.once('drain', () => res()));
      buf = '';
    }
  }
  fileBytes += buf.length;
  out.write(buf);
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
  return { path, objects, refs, fileBytes };
}
