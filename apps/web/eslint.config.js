import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const FEATURES = ['auth', 'entries', 'insights', 'security', 'sessions', 'settings'];

// Features never import each other (direction: app -> features -> lib/components).
const featureBoundaries = FEATURES.map((feature) => ({
  files: [`src/features/${feature}/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: FEATURES.filter((other) => other !== feature).map((other) => ({
          group: [`**/features/${other}/**`, `../../${other}/**`, `../${other}/**`],
          message:
            'Features must not import each other; move shared code to src/lib or src/components.',
        })),
      },
    ],
  },
}));

// No endpoint is fetched by hand: app code calls the generated SDK (src/lib/api/gen), whose
// client carries the auth interceptors and the ApiError mapping. Tests may fake fetch.
const NO_HAND_FETCH =
  'Call the generated SDK (lib/api-client), not fetch: it adds auth, CSRF, refresh and ApiError.';
const noHandWrittenFetch = {
  files: ['src/**/*.{ts,tsx}'],
  ignores: ['src/**/*.test.{ts,tsx}', 'src/test/**'],
  rules: {
    'no-restricted-globals': [
      'error',
      { name: 'fetch', message: NO_HAND_FETCH },
      { name: 'XMLHttpRequest', message: NO_HAND_FETCH },
    ],
    'no-restricted-properties': [
      'error',
      ...['window', 'globalThis', 'self'].map((object) => ({
        object,
        property: 'fetch',
        message: NO_HAND_FETCH,
      })),
    ],
  },
};

export default tseslint.config(
  { ignores: ['dist', 'dist-*', 'src/lib/api/gen', 'test-results', 'playwright-report'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.strict],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  ...featureBoundaries,
  noHandWrittenFetch,
  {
    files: ['**/*.test.{ts,tsx}', 'tests/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
