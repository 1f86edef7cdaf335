/**
 * What an input file is, as the sniffer (workers/logic/formats/sniff.ts) decides
 * from its content, and the name each kind has in the UI and the CLI's messages.
 */
/** The kind of an input file; `unknown` when no reader recognises it. */
export type Role = 'chap-list' | 'core' | 'elf' | 'tracemalloc' | 'meliae' | 'mprof' | 'unknown';

/** The name of each kind, as the input list's badge and error messages say it. */
export const ROLE_LABELS: Record<Role, string> = {
  'chap-list': 'chap list',
  core: 'ELF core dump',
  elf: 'ELF binary',
  tracemalloc: 'tracemalloc snapshot',
  meliae: 'meliae dump',
  mprof: 'mprof run',
  unknown: 'unknown',
};
