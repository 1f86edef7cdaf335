/** The shared ELF note parser on hostile sizes: a size of 2^31 or more ends the notes, it never wraps negative. */
import { expect, it } from 'vitest';
import { parseElfHeader, parseNotes, parseProgramHeaders } from './elf.ts';

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

/** An ELF header and one program header written at the offsets the System V ABI gives (ELF32 moves p_flags). */
function headers(is64: boolean): Uint8Array {
  const b = new Uint8Array(256);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, 1, 1]);
  v.setUint16(16, 3, true); // e_type
  v.setUint16(18, is64 ? 62 : 3, true); // e_machine
  if (is64) {
    v.setBigUint64(32, 64n, true); // e_phoff
    v.setBigUint64(40, 0x12345678n, true); // e_shoff
    v.setUint16(54, 56, true);
    v.setUint16(56, 1, true);
    v.setUint16(58, 64, true);
    v.setUint16(60, 29, true);
    v.setUint16(62, 28, true);
    v.setUint32(64, 1, true); // p_type
    v.setUint32(68, 5, true); // p_flags
    v.setBigUint64(72, 0x1000n, true); // p_offset
    v.setBigUint64(80, 0x401000n, true); // p_vaddr
    v.setBigUint64(96, 0x234n, true); // p_filesz
    v.setBigUint64(104, 0x238n, true); // p_memsz
  } else {
    v.setUint32(28, 52, true); // e_phoff
    v.setUint32(32, 0x12345678, true); // e_shoff
    v.setUint16(42, 32, true);
    v.setUint16(44, 1, true);
    v.setUint16(46, 40, true);
    v.setUint16(48, 29, true);
    v.setUint16(50, 28, true);
    v.setUint32(52, 1, true); // p_type
    v.setUint32(56, 0x1000, true); // p_offset
    v.setUint32(60, 0x401000, true); // p_vaddr
    v.setUint32(68, 0x234, true); // p_filesz
    v.setUint32(72, 0x238, true); // p_memsz
    v.setUint32(76, 5, true); // p_flags
  }
  return b;
}

it('reads the file header and program headers of ELF64 and ELF32 at their own offsets', () => {
  for (const is64 of [true, false]) {
    const b = headers(is64);
    const h = parseElfHeader(b);
    if (typeof h === 'string') throw new Error(h);
    expect(h).toEqual({
      is64, type: 3, machine: is64 ? 62 : 3, phoff: is64 ? 64 : 52, shoff: 0x12345678,
      phentsize: is64 ? 56 : 32, phnum: 1, shentsize: is64 ? 64 : 40, shnum: 29, shstrndx: 28,
    });
    expect(parseProgramHeaders(h, b.subarray(h.phoff))).toEqual([{ type: 1, flags: 5, offset: 0x1000, vaddr: 0x401000, filesz: 0x234, memsz: 0x238 }]);
  }
});
