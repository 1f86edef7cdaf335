/** Arguments of the commands that read cores with their binaries (`attribute`, `compare`). Node only. */

/** Where gdb looks for separate debug files. */
export const DEFAULT_DEBUG_DIR = '/usr/lib/debug';

/** Splits argv: values after --bin until the next flag are binaries. */
export function splitBins(args: string[]): { rest: string[]; bins: string[] } {
  const rest: string[] = [];
  const bins: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--bin') {
      while (i + 1 < args.length && !args[i + 1].startsWith('--')) bins.push(args[++i]);
    } else rest.push(args[i]);
  }
  return { rest, bins };
}
