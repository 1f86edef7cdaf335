/**
 * The Overview's tables of allocations and bytes per group (by state, chap's sets, the leak sets): a name, the
 * count, the bytes and their share of a whole, in one layout.
 */
import type { ReactNode } from 'react';
import { fmtInt, fmtPct } from '../../format/numbers.ts';

export interface CountRow {
  key: string;
  label: ReactNode;
  count: number;
  bytes: number;
  /** The row's test id; its cells get `<id>-count` and `<id>-bytes`. */
  testId?: string;
}

/** A table of `rows`: `first` heads the names, `share` the column of each row's bytes as a share of `whole`. */
export function CountTable({ first, share, whole, rows, testId }: { first: string; share: string; whole: number; rows: readonly CountRow[]; testId?: string }) {
  return (
    <table className="grid" data-testid={testId}>
      <thead>
        <tr>
          <th>{first}</th>
          <th className="num">Allocations</th>
          <th className="num">Bytes</th>
          <th className="num">{share}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-testid={r.testId}>
            <td>{r.label}</td>
            <td className="num" data-testid={r.testId && `${r.testId}-count`}>
              {fmtInt(r.count)}
            </td>
            <td className="num" data-testid={r.testId && `${r.testId}-bytes`}>
              {fmtInt(r.bytes)}
            </td>
            <td className="num">{fmtPct(r.bytes, whole)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
