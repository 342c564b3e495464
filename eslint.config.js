import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-*/', 'node_modules/', 'test-results/', 'playwright-report/', 'bench-results/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    // TypeScript checks names in Svelte files; no-undef does not know the DOM's types.
    // State holds immutable values replaced wholesale ($state.raw), so a plain Set or URL built
    // and assigned whole is right; SvelteSet would track mutations nothing performs.
    rules: { 'no-undef': 'off', 'svelte/prefer-svelte-reactivity': 'off' },
  },
  {
    languageOptions: {
      globals: {
        window: 'readonly', document: 'readonly', navigator: 'readonly', self: 'readonly', location: 'readonly',
        indexedDB: 'readonly', IDBKeyRange: 'readonly', fetch: 'readonly', crypto: 'readonly', performance: 'readonly',
        console: 'readonly', process: 'readonly', URL: 'readonly', Blob: 'readonly', Worker: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] },
  },
  // The arrows of the worker layer run one way (shared/STYLE.md): the page imports worker types
  // from workers/shared/ only; the engine reads the store through storeReader.ts alone, so its
  // bundle carries no download code, hasher or catalog; nothing in workers/ imports the page.
  {
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: 'workers/(store|engine|catalog)/', message: 'The page imports worker types from workers/shared/ (storeProtocol.ts, engineProtocol.ts) only.' }] }],
    },
  },
  {
    files: ['workers/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '(^|/)src/', message: 'Nothing in workers/ imports the page.' }] }],
    },
  },
  {
    files: ['workers/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { regex: '^\\.\\./store/(?!storeReader$)', message: 'The engine reads the store through storeReader.ts only.' },
        { regex: '^\\.\\./catalog/', message: 'The engine bundle carries no catalog.' },
        { regex: '^hash-wasm$', message: 'The engine bundle carries no hasher.' },
        { regex: '(^|/)src/', message: 'Nothing in workers/ imports the page.' },
      ] }],
    },
  },
);
