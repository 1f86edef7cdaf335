/** The words the inspector's "why is this alive" uses for where a chain starts. */
import type { LeakAnchorSource as Source } from '../../model/leaks.ts';

/** Where an anchor point is: a register of a thread, a thread's stack, or static memory (in a mapped file). */
function sourceHead(s: Source): string {
  const thread = s.thread ? `thread ${s.thread}${s.tid ? ` (tid ${s.tid})` : ''}` : 'a stack no thread uses (cached)';
  if (s.kind === 'register') return `register ${s.register} of ${thread}`;
  if (s.kind === 'stack') return s.thread ? `the stack of ${thread}` : thread;
  return `static memory${s.module ? ` in ${s.module.slice(s.module.lastIndexOf('/') + 1)}` : ''}`;
}

/** The anchor points of a chain's first allocation, one phrase per place (a stack, a module's static memory, a register) with its first addresses. */
export function sourcesText(list: Source[], shown = 3): string {
  const places = new Map<string, string[]>();
  for (const s of list) {
    const head = sourceHead(s);
    let at = places.get(head);
    if (!at) places.set(head, (at = []));
    if (s.address) at.push(`0x${s.address}`);
  }
  return [...places]
    .map(([head, at]) => (at.length ? `${head}, at ${at.slice(0, shown).join(', ')}${at.length > shown ? ` (+${at.length - shown} more)` : ''}` : head))
    .join('; ');
}
