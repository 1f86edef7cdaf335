/** What an upload would send (`describeForUpload`): inputs, tables with sizes, and every string by role — counts, first items, expandable. */
import { useState } from 'react';
import { fmtInt, formatBytes } from '../../format/numbers.ts';
import type { UploadDescription } from '../../../workers/logic/saved/describe.ts';
import { RAW_ADDRESS } from '../../model/site-keys.ts';

/** Items shown before a list is expanded, and per "show more" step after. */
const FIRST = 6;
const STEP = 500;

function StringList({ title, items, testId }: { title: string; items: string[]; testId: string }) {
  const [shown, setShown] = useState(FIRST);
  if (items.length === 0) return null;
  const visible = items.slice(0, shown);
  return (
    <details className="up-list" data-testid={testId} onToggle={(e) => setShown((e.target as HTMLDetailsElement).open ? Math.max(shown, STEP) : FIRST)}>
      <summary>
        <strong>{title}</strong> <span className="muted">({fmtInt(items.length)})</span>{' '}
        <span className="up-first mono">
          {items
            .slice(0, FIRST)
            .map((s) => (s === '' ? '(empty string)' : s.length > 60 ? `${s.slice(0, 57)}…` : s))
            .join(', ')}
          {items.length > FIRST ? ', …' : ''}
        </span>
      </summary>
      <ul className="up-items mono">
        {visible.map((s, i) => (
          <li key={i}>{s === '' ? <span className="up-empty">(empty string)</span> : s}</li>
        ))}
      </ul>
      {items.length > shown && (
        <button className="small-btn" onClick={() => setShown((n) => n + STEP)}>
          {items.length - shown <= STEP ? `Show the other ${fmtInt(items.length - shown)}` : `Show ${fmtInt(STEP)} more (${fmtInt(items.length - shown)} not shown)`}
        </button>
      )}
    </details>
  );
}

/** The preview of `d`; `bytes` is the upload size (null while computing). */
export function UploadPreview({ d, bytes }: { d: UploadDescription; bytes: number | null }) {
  return (
    <div className="up-preview" data-testid="upload-preview">
      <table className="grid compact up-tables">
        <thead>
          <tr>
            <th>Input</th>
            <th>Table</th>
            <th className="num">Rows</th>
            <th className="num">Bytes before compression</th>
          </tr>
        </thead>
        <tbody>
          {d.tables.map((t, i) => (
            <tr key={i}>
              <td className="name" title={t.input}>
                {t.input}
              </td>
              <td>{t.table}</td>
              <td className="num">{fmtInt(t.rows)}</td>
              <td className="num">{fmtInt(t.bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="up-facts">
        <li>
          Inputs:{' '}
          {d.inputs.map((i) => `${i.name} (${i.format}, ${fmtInt(i.size)} bytes, ${fmtInt(i.rows)} rows)`).join('; ') || 'none'} — the files themselves are
          not sent.
        </li>
        <li data-testid="upload-addresses">
          Allocation addresses: <strong>{d.addresses ? 'included' : 'not included'}</strong>. Memory contents: <strong>never included</strong>.
        </li>
        <li>
          Upload size:{' '}
          <strong data-testid="upload-size">{bytes === null ? 'computing…' : `${fmtInt(bytes)} bytes (${formatBytes(bytes)})`}</strong>, compressed.
        </li>
      </ul>
      <StringList title="Type names" items={d.typeNames} testId="up-types" />
      <StringList title="Function names" items={d.functionNames.filter((f) => !RAW_ADDRESS.test(f))} testId="up-functions" />
      <StringList title="Return addresses without a function name (module+offset, raw address)" items={d.functionNames.filter((f) => RAW_ADDRESS.test(f))} testId="up-raw-addresses" />
      <StringList title="File and library paths" items={d.filePaths} testId="up-paths" />
      <StringList title="Object names" items={d.objectNames} testId="up-objects" />
      <StringList title="Other strings" items={d.otherStrings} testId="up-other" />
      <StringList title="Header text (input facts, warnings, view state)" items={d.headerText} testId="up-header" />
    </div>
  );
}
