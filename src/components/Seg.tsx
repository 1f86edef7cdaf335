/** A segmented control: one button per option, the chosen one highlighted. */
export interface SegOption<T extends string> {
  value: T;
  label: string;
  disabled?: boolean;
  title?: string;
}

export function Seg<T extends string>({ label, options, value, onChange }: { label: string; options: SegOption<NoInfer<T>>[]; value: T; onChange(v: NoInfer<T>): void }) {
  return (
    <div className="seg" role="group" aria-label={label}>
      {options.map((o) => (
        <button key={o.value} className={value === o.value ? 'on' : ''} disabled={o.disabled} title={o.title} onClick={() => onChange(o.value)}>
          {o.label}
        </button>
      ))}
    </div>
  );
}
