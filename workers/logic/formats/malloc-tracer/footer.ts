/**
 * malloc_tracer's footer format. A process run under malloc_tracer's LD_PRELOAD library asks malloc for
 * `size + 16` and writes, at `address + usable size − 16`, `{u64 return address of the malloc caller,
 * u64 requested size}`, little-endian. A footer counts only when its requested size is below the usable
 * size (as malloc_tracer's gdb plugin decides): anything else is not a footer.
 */

/** Bytes of a footer, at the end of the allocation's usable bytes. */
export const FOOTER_BYTES = 16;

/** The return address of the footer at byte `o` of `dv` (exact below 2^53). */
export function footerReturn(dv: DataView, o: number): number {
  return dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
}

/** The requested size of the footer at byte `o` of `dv` (exact below 2^53, and a footer's is below its usable size). */
export function footerRequested(dv: DataView, o: number): number {
  return dv.getUint32(o + 12, true) * 4294967296 + dv.getUint32(o + 8, true);
}
