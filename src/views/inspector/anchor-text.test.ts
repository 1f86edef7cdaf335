import { describe, expect, it } from 'vitest';
import { sourcesText } from './anchor-text.ts';

describe("why is this alive: the anchor points' words", () => {
  it('one phrase per place, its first addresses, how many more', () => {
    const stack = (a: string) => ({ kind: 'stack' as const, thread: 3, tid: 6318, address: a });
    expect(sourcesText([stack('7f10'), stack('7f18'), stack('7f20'), stack('7f28'), stack('7f30')])).toBe('the stack of thread 3 (tid 6318), at 0x7f10, 0x7f18, 0x7f20 (+2 more)');
    expect(
      sourcesText([
        { kind: 'static', thread: 0, address: '601040', module: '/usr/lib/libstdc++.so.6' },
        { kind: 'register', thread: 1, tid: 42, register: 'rdi' },
        { kind: 'static', thread: 0, address: '601048', module: '/usr/lib/libstdc++.so.6' },
        { kind: 'static', thread: 0, address: '602000' },
      ]),
    ).toBe('static memory in libstdc++.so.6, at 0x601040, 0x601048; register rdi of thread 1 (tid 42); static memory, at 0x602000');
    expect(sourcesText([{ kind: 'stack', thread: 0, address: '10' }])).toBe('a stack no thread uses (cached), at 0x10');
  });
});
