// lint-as: src/components/Fixture.tsx
// expect: react-hooks/rules-of-hooks
// A hook called conditionally: the React hooks rules run.
import { useState } from 'react';

export function Fixture({ on }: { on: boolean }) {
  if (on) {
    const [n] = useState(0);
    return <span>{n}</span>;
  }
  return null;
}
