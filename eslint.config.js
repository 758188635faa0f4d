// Lint keeps each runtime in its own folder: shared/ is pure TypeScript, electron/core never
// touches Electron, and the renderer only ever sees shared/.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'http', 'https', 'net', 'child_process', 'crypto', 'events', 'stream', 'url', 'util', 'worker_threads'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'openclaw-runtime/**', 'out/**', 'dist/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read untyped JSON response bodies; `any` there keeps assertions short.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'shared/ is pure TypeScript: no Node built-ins.' },
          { group: ['electron', 'electron/*', 'react', 'react-dom', 'react/*'], message: 'shared/ imports nothing from electron or react.' },
          { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing else in the project.' },
        ],
      }],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/headless/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*'], message: 'The engine and the headless host run without Electron.' },
          { group: ['**/renderer/**', 'react', 'react-dom'], message: 'The engine never imports the renderer.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'The renderer runs in a sandbox: no Node built-ins.' },
          { group: ['electron', 'electron/*', '**/electron/**'], message: 'The renderer talks to the engine only through shared/api.ts.' },
        ],
      }],
    },
  },
);
