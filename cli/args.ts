/** Minimal flag parsing shared by the subcommands. */
export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** `--name value` for names in `withValue`, `--name` alone otherwise; `--name=value` always. */
export function parseArgs(args: string[], withValue: string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (withValue.includes(a.slice(2))) flags.set(a.slice(2), args[++i] ?? '');
      else flags.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, flags };
}
