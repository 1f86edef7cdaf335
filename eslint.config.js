// ESLint flat config: TypeScript rules, the React hooks rules, and the layer rules of README's Architecture
// section. `npm run lint` runs it (with --max-warnings 0) and `npm test` runs that first.
//
// The layers, lowest first; each may import only the layers it lists (and itself):
//   model ← logic ← worker ← pipeline ← state ← views/components (React; the workers only through the stores
//   and the derived-data hooks of src/state, never the pipeline itself); Node code (cli, server, bench,
//   test-support, e2e, fixtures-gen, scripts, configs) may import model and logic, never the browser layers.
// Tests (*.test.ts, *.test-helper.ts) are Node: they follow their folder's layer and may also use Node, the
// test support, the Node file source, the model and the logic.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { readFileSync } from 'node:fs';
import tseslint from 'typescript-eslint';

/** Each layer: the files it holds, the layers it may import from, and the npm packages it may import. */
export const LAYERS = {
  model: { files: ['src/model/**'], may: [], packages: [] },
  logic: { files: ['workers/logic/**'], may: ['model'], packages: ['fflate', 'pako', '@openpgp/seek-bzip'] },
  worker: { files: ['workers/*.ts'], may: ['model', 'logic'], packages: ['comlink'] },
  pipeline: { files: ['src/pipeline/**'], may: ['model', 'logic', 'worker'], packages: ['comlink'] },
  storage: { files: ['src/storage/**'], may: ['model', 'logic'], packages: ['idb'] },
  format: { files: ['src/format/**'], may: ['model', 'logic'], packages: [] },
  layout: { files: ['src/layout/**'], may: ['model'], packages: ['d3'] },
  state: { files: ['src/state/**'], may: ['model', 'logic', 'pipeline', 'storage', 'format'], packages: ['zustand', 'react'] },
  components: {
    files: ['src/components/**'],
    may: ['model', 'logic', 'storage', 'format', 'state'],
    packages: ['react', 'react-dom', '@tanstack/react-virtual'],
  },
  views: {
    files: ['src/views/**'],
    may: ['model', 'logic', 'storage', 'format', 'layout', 'state', 'components'],
    packages: ['react', 'react-dom', 'zustand', 'd3', '@tanstack/react-virtual'],
  },
  app: {
    files: ['src/*.ts', 'src/*.tsx'],
    may: ['model', 'logic', 'storage', 'format', 'layout', 'state', 'components', 'views'],
    packages: ['react', 'react-dom'],
  },
  node: {
    files: ['cli/**', 'server/**', 'bench/**', 'test-support/**', 'e2e/**', 'fixtures-gen/**', 'scripts/**', 'bin/**', '*.ts', '*.js'],
    may: ['model', 'logic', 'layout', 'storage'],
    packages: null, // any package, and Node's own modules
  },
};

/** Layers whose files may import `workers/logic/` for its types only (`import type`), never its code. */
const LOGIC_TYPES_ONLY = ['components', 'views'];
const TEST_FILES = ['**/*.test.ts', '**/*.test-helper.ts'];
/** What a test may use besides its own layer's imports: Node, the test support, and the code it builds inputs with. */
const TEST_EXTRA = ['node', 'model', 'logic'];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function zonesFor(name, extra = []) {
  const layer = LAYERS[name];
  const allowed = new Set([name, ...layer.may, ...extra]);
  if (LOGIC_TYPES_ONLY.includes(name)) allowed.add('logic'); // checked by the type-only rule below
  const from = Object.entries(LAYERS)
    .filter(([other]) => !allowed.has(other))
    .flatMap(([, l]) => l.files);
  if (from.length === 0) return [];
  return [
    {
      target: layer.files,
      from,
      message: ` The ${name} layer may import only ${[...layer.may, ...extra].join(', ') || 'its own folder'} (see README, Architecture).`,
    },
  ];
}

function packageRules(name, isTest) {
  const layer = LAYERS[name];
  if (layer.packages === null || isTest) return [];
  const allowed = layer.packages.map((p) => `${escape(p)}(/.*)?`).join('|');
  return [
    {
      // Any bare specifier (a package or a Node module) that is not one of this layer's packages.
      regex: `^(?!\\.|${allowed || '$^'}$)`,
      message: `the ${name} layer may use only the packages ${layer.packages.join(', ') || '(none)'}; no Node modules (see README, Architecture).`,
    },
  ];
}

// The test files among a layer's files: dir/** → dir/**/*.test.ts, dir/*.ts → dir/*.test.ts.
function testGlobs(glob) {
  const dir = glob.replace(/\*\*$|\*\.[a-z]+$/, '');
  const deep = glob.endsWith('**') ? '**/' : '';
  return TEST_FILES.map((t) => dir + deep + t.replace('**/', ''));
}

function layerBlocks() {
  const blocks = [];
  for (const name of Object.keys(LAYERS)) {
    for (const isTest of [false, true]) {
      const layer = LAYERS[name];
      const patterns = packageRules(name, isTest);
      if (LOGIC_TYPES_ONLY.includes(name) && !isTest) {
        patterns.push({
          regex: '(^|/)workers/logic/',
          allowTypeImports: true,
          message: `the ${name} layer imports only types from workers/logic (import type); shared code lives in src/model or src/format.`,
        });
      }
      blocks.push({
        name: `layers/${name}${isTest ? '/tests' : ''}`,
        files: isTest ? [...new Set(layer.files.flatMap(testGlobs))] : layer.files,
        ignores: isTest ? [] : TEST_FILES,
        rules: {
          'import-x/no-restricted-paths': ['error', { zones: zonesFor(name, isTest ? TEST_EXTRA : []), basePath: import.meta.dirname }],
          '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
        },
      });
    }
  }
  return blocks;
}

/** What git ignores (build output, reports, data) is not linted either: `.gitignore`'s lines as ESLint globs. */
const gitIgnored = readFileSync(new URL('.gitignore', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'))
  .map((l) => (l.endsWith('/') ? `**/${l}**` : `**/${l}`));

export default tseslint.config(
  // The lint fixtures break the rules on purpose (test-support/layers.test.ts lints them under other names).
  { ignores: [...gitIgnored, 'public/**', 'test-support/lint-fixtures/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.d.ts'] })] },
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/**/*.tsx', 'src/**/*.ts'],
    ...reactHooks.configs.flat['recommended-latest'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['src/**/*.tsx', 'src/**/*.ts'],
    rules: {
      'react-hooks/exhaustive-deps': 'error',
      // Only says that React Compiler would skip a component (useVirtualizer); we do not run the compiler.
      'react-hooks/incompatible-library': 'off',
    },
  },
  {
    // `useLibraryDatabase` (src/state/library.ts) is no hook: it picks the IndexedDB database. Its name goes
    // with the store rewrite of issue 10; until then its test may call it outside a component.
    files: ['src/state/library.test.ts'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  { files: ['workers/**'], languageOptions: { globals: globals.worker } },
  { files: LAYERS.node.files, languageOptions: { globals: globals.node } },
  { files: TEST_FILES, languageOptions: { globals: globals.node } },
  ...layerBlocks(),
);
