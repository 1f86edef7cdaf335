/** A hidden multi-file input and a function that opens it (the same function every render); chosen files go to `onFiles`. */
import { useCallback, useRef, type ReactElement } from 'react';

export function useFilePicker(onFiles: (files: File[]) => void, testId: string): { open(): void; input: ReactElement } {
  const ref = useRef<HTMLInputElement>(null);
  const open = useCallback(() => ref.current?.click(), []);
  const input = (
    <input
      ref={ref}
      type="file"
      multiple
      hidden
      data-testid={testId}
      onChange={(e) => {
        const files = Array.from(e.target.files ?? []);
        e.target.value = '';
        if (files.length) onFiles(files);
      }}
    />
  );
  return { open, input };
}
