/**
 * Stores never subscribe to each other when a module is imported: every `.subscribe(` call in src/state and the
 * views sits inside a function (started from the app's effects, returning its unsubscribe), never at a module's
 * top level, where importing a file would wire stores together for good.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test-support/shared.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : [];
  });
}

/** `.subscribe(` calls outside every function of a file, as `file:line`. */
function topLevelSubscriptions(text: string, name: string): string[] {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, name.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (n: ts.Node, inFunction: boolean): void => {
    const fn = inFunction || ts.isFunctionLike(n);
    if (!fn && ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'subscribe') {
      out.push(`${name}:${file.getLineAndCharacterOfPosition(n.getStart()).line + 1}`);
    }
    n.forEachChild((c) => visit(c, fn));
  };
  visit(file, false);
  return out;
}

describe('store subscriptions', () => {
  it('finds a subscription at a module top level (the check itself)', () => {
    const bad = "import { useView } from './view.ts';\nuseView.subscribe(() => undefined);\nexport function f() { return useView.subscribe(() => undefined); }\n";
    expect(topLevelSubscriptions(bad, 'bad.ts')).toEqual(['bad.ts:2']);
  });

  it('no module of src/state, src/views, src/components or src/App.tsx subscribes when imported', () => {
    const files = ['state', 'views', 'components'].flatMap((d) => sources(join(ROOT, 'src', d))).concat(join(ROOT, 'src', 'App.tsx'));
    expect(files.length).toBeGreaterThan(30);
    const found = files.flatMap((f) => topLevelSubscriptions(readFileSync(f, 'utf8'), relative(ROOT, f)));
    expect(found).toEqual([]);
  });
});
