/** The shared ELF note parser on hostile sizes: a size of 2^31 or more ends the notes, it never wraps negative. */
import { expect, it } from 'vitest';
import { parseNotes } from './elf.ts';

function note(namesz: number, descsz: number, type: number, tail: number): Uint8Array {
  const b = new Uint8Array(12 + tail);
  const v = new DataView(b.buffer);
  v.setUint32(0, namesz, true);
  v.setUint32(4, descsz, true);
  v.setUint32(8, type, true);
  b.set([0x43, 0x4f, 0x52, 0x45, 0], 12);
  return b;
}

it('reads a well-formed note', () => {
  const { notes, cut } = parseNotes(note(5, 4, 1, 12));
  expect(cut).toBe(-1);
  expect(notes.map((n) => [n.name, n.type, n.desc.length])).toEqual([['CORE', 1, 4]]);
});

it('a name or descriptor size of 2^31 or more is a note cut short, not a negative offset', () => {
  for (const [namesz, descsz] of [
    [0x7fffffff, 4],
    [0x80000000, 0],
    [0xfffffffd, 0],
    [5, 0x7fffffff],
    [5, 0xfffffffd],
  ]) {
    const { notes, cut } = parseNotes(note(namesz, descsz, 1, 4096));
    expect([namesz, descsz, notes.length, cut]).toEqual([namesz, descsz, 0, 0]);
  }
});
