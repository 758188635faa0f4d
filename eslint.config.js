// Lint keeps each runtime in its own folder: shared/ is pure TypeScript, electron/core never
// touches Electron, and the renderer only ever sees shared/.
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'http',
  'https',
  'net',
  'child_process',
  'crypto',
  'events',
  'stream',
  'url',
  'util',
  'worker_threads',
];

const ENGINE_BANS = [
  { group: ['electron', 'electron/*'], message: 'The engine and the headless host run without Electron.' },
  { group: ['**/renderer/**', 'react', 'react-dom'], message: 'The engine never imports the renderer.' },
];

// Layers inside the engine: each folder names the folders it may import. Nothing but the
// composition (api/ and workbench.ts) imports the composition root, so every part can be built
// and tested alone. Root leaves (events.ts, tokens.ts) are open to all.
const CORE_FOLDERS = [
  'http',
  'store',
  'model-client',
  'tokens',
  'config',
  'export',
  'analysis',
  'gateways',
  'runtime',
  'scripted-model',
  'recorder',
  'sessions',
  'dataproxy',
  'lab',
  'trajectory-import',
  'rollouts',
  'api',
];
const MAY_IMPORT = {
  http: [],
  store: ['http'],
  'model-client': ['http'],
  tokens: [],
  config: ['http'],
  export: ['store'],
  analysis: ['store', 'tokens'],
  gateways: ['store'],
  runtime: ['model-client', 'gateways', 'http'],
  'scripted-model': ['http', 'tokens'],
  recorder: ['model-client', 'store', 'http', 'export', 'tokens'],
  sessions: ['store', 'http', 'runtime'],
  dataproxy: ['http', 'sessions', 'runtime'],
  lab: ['runtime', 'sessions', 'store', 'recorder', 'scripted-model', 'gateways'],
  'trajectory-import': ['store', 'sessions', 'analysis'],
  rollouts: ['store', 'sessions', 'runtime', 'http'],
};

function coreLayers() {
  return Object.entries(MAY_IMPORT).map(([folder, allowed]) => {
    const banned = CORE_FOLDERS.filter((f) => f !== folder && !allowed.includes(f));
    return {
      files: [`electron/core/${folder}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              ...ENGINE_BANS,
              {
                group: banned.map((f) => `**/${f}/**`),
                message: `electron/core/${folder} may import only ${allowed.join(', ') || 'shared/ and leaves'}.`,
              },
              {
                group: ['**/workbench.ts'],
                message: 'Only the composition (api/, the hosts) imports the composition root.',
              },
            ],
          },
        ],
      },
    };
  });
}

const RUNTIME_NAME_RULES = [
  {
    selector:
      'BinaryExpression[operator=/^[!=]==$/][right.value=/^(openclaw|external|direct)$/]' +
      '[left.property.name=/^(runtime|defaultRuntime)$/]',
    message: 'Decide by capabilitiesOf(runtime) (shared/runtimes.ts), not by the runtime’s name.',
  },
  {
    selector:
      'BinaryExpression[operator=/^[!=]==$/][right.value=/^(openclaw|external|direct)$/]' +
      "[left.callee.property.name='runtimeOf']",
    message: 'Decide by capabilitiesOf(runtime) (shared/runtimes.ts), not by the runtime’s name.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'openclaw-runtime/**', 'out/**', 'dist/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // what a runtime can do is declared in shared/runtimes.ts: nothing outside runtime/ decides by its name
    files: ['electron/**/*.ts', 'renderer/**/*.ts'],
    ignores: ['electron/core/runtime/**'],
    rules: { 'no-restricted-syntax': ['error', ...RUNTIME_NAME_RULES] },
  },
  {
    // components show what the store and their feature's data module give them; only those ask the engine
    files: ['renderer/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...RUNTIME_NAME_RULES,
        {
          selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='invoke']",
          message: "Ask the engine from the feature's actions.ts or data.ts (or the store), not from a component.",
        },
      ],
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
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'shared/ is pure TypeScript: no Node built-ins.' },
            {
              group: ['electron', 'electron/*', 'react', 'react-dom', 'react/*'],
              message: 'shared/ imports nothing from electron or react.',
            },
            { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing else in the project.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/headless/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ENGINE_BANS }],
    },
  },
  ...coreLayers(),
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'The renderer runs in a sandbox: no Node built-ins.' },
            {
              group: ['electron', 'electron/*', '**/electron/**'],
              message: 'The renderer talks to the engine only through shared/api.ts.',
            },
          ],
        },
      ],
    },
  },
);
