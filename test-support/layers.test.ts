/**
 * The layer rules of eslint.config.js really fail a backwards import. Each file in
 * test-support/lint-fixtures/ is linted as if it stood at its `lint-as:` path (so it
 * gets that folder's rules), and must raise exactly the rules in its `expect:` line
 * (`nothing` for a file that must pass). `npm run lint` itself ignores the folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test-support', 'lint-fixtures');

function header(text: string, key: string): string {
  const m = new RegExp(`^// ${key}: (.+)$`, 'm').exec(text);
  if (!m) throw new Error(`lint fixture without a "// ${key}:" line`);
  return m[1].trim();
}

describe('layer rules (eslint.config.js)', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: root });
  });

  const files = readdirSync(fixtures).filter((f) => /\.tsx?$/.test(f));

  it('has fixtures that must fail and fixtures that must pass', () => {
    const expects = files.map((f) => header(readFileSync(join(fixtures, f), 'utf8'), 'expect'));
    expect(expects.filter((e) => e === 'nothing').length).toBeGreaterThanOrEqual(2);
    expect(expects.filter((e) => e !== 'nothing').length).toBeGreaterThanOrEqual(8);
  });

  for (const file of files) {
    it(file, async () => {
      const text = readFileSync(join(fixtures, file), 'utf8');
      const as = header(text, 'lint-as');
      const expected = header(text, 'expect');
      const [result] = await eslint.lintText(text, { filePath: join(root, as) });
      const fatal = result.messages.filter((m) => m.fatal);
      expect(fatal, 'the fixture parses').toEqual([]);
      const rules = [...new Set(result.messages.map((m) => m.ruleId))].sort();
      expect(rules).toEqual(expected === 'nothing' ? [] : expected.split(/\s*,\s*/).sort());
    });
  }

  it('npm run lint ignores the fixtures folder (they are wrong on purpose)', async () => {
    for (const file of files) expect(await eslint.isPathIgnored(join(fixtures, file))).toBe(true);
    expect(await eslint.isPathIgnored(join(root, 'test-support', 'layers.test.ts'))).toBe(false);
  });
});
