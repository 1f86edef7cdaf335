import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lines.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

function split(chunks: string[], max = 1 << 20): { lines: string[]; last: string | null } {
  const lines: string[] = [];
  const s = new LineSplitter(
    max,
    (b, start, end) => lines.push(dec.decode(b.subarray(start, end))),
    () => {
      throw new Error('too long');
    },
  );
  for (const c of chunks) {
    const buf = enc.encode(c);
    s.push(buf);
    buf.fill(0x21); // the caller reuses its buffer: what was kept must be a copy
  }
  const last = s.end();
  return { lines, last: last && dec.decode(last) };
}

describe('LineSplitter', () => {
  it('gives every line however the chunks cut it, and the unfinished last line', () => {
    const text = 'alpha\nbeta\n\ngamma delta\nend';
    const whole = { lines: ['alpha', 'beta', '', 'gamma delta'], last: 'end' };
    expect(split([text])).toEqual(whole);
    for (let cut = 1; cut < text.length; cut++) expect(split([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    expect(split([...text])).toEqual(whole);
    expect(split(['a\nb\n'])).toEqual({ lines: ['a', 'b'], last: null });
  });

  it('refuses a line longer than the limit, whole in a chunk or in pieces', () => {
    expect(() => split(['12345\n'], 4)).toThrow('too long');
    expect(() => split(['12', '3', '45\n'], 4)).toThrow('too long');
    expect(split(['12', '34\n'], 4).lines).toEqual(['1234']);
  });
});
