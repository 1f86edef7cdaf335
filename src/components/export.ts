/** CSV and JSON export of what a table shows (pure; the download is the caller's). */
export interface ExportColumn<R> {
  label: string;
  value(r: R): string | number;
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<R>(rows: R[], cols: ExportColumn<R>[]): string {
  const lines = [cols.map((c) => csvCell(c.label)).join(',')];
  for (const r of rows) lines.push(cols.map((c) => csvCell(c.value(r))).join(','));
  return lines.join('\n') + '\n';
}

export function toJson<R>(rows: R[], cols: ExportColumn<R>[]): string {
  return JSON.stringify(rows.map((r) => Object.fromEntries(cols.map((c) => [c.label, c.value(r)]))), null, 1) + '\n';
}

export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
