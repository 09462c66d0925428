// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const clockReads = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'shared/domain reads no clock: pass `now` in.',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'shared/domain reads no clock: pass `now` in.',
  },
  {
    selector: "CallExpression[callee.object.name='DateTime'][callee.property.name='now']",
    message: 'shared/domain reads no clock: pass `now` in.',
  },
  {
    selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
    message: 'shared/domain draws no hidden randomness: pass a seeded generator in.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.local-data/**', 'bench/results/**', 'test-results/**', 'coverage/**', 'infra/local/console/vendor/**', '.stryker-tmp/**', 'reports/**', '.bundles/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', 'aws-lambda', '@aws-lambda-powertools/*', '@middy/*'], message: 'shared/domain is pure: no AWS, no middleware.' },
            { group: ['node:fs', 'node:fs/*', 'fs', 'fs/*', 'node:net', 'net', 'node:http', 'http', 'node:child_process'], message: 'shared/domain does no I/O.' },
            { group: ['#adapters/*', '#ports/*', '#functions/*', '#infra/*', '#config/*', '#app/*'], message: 'shared/domain depends on nothing outside itself.' },
          ],
        },
      ],
      'no-restricted-syntax': ['error', ...clockReads],
    },
  },
  {
    files: ['shared/ports/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@aws-sdk/*', '#adapters/*', '#functions/*', '#infra/*'], message: 'ports are interfaces: no SDK, no adapters.' }] }],
    },
  },
  {
    files: ['shared/app/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@aws-sdk/*', '#adapters/*', '#functions/*', '#infra/*'], message: 'use cases talk to ports only: move the type or interface to shared/ports.' }] }],
    },
  },
  {
    files: ['infra/**/*.ts'],
    ignores: ['infra/local/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['#adapters/*', '#app/*', '#functions/*', '@aws-sdk/*'], message: 'CDK code imports no runtime code except constants.' }] }],
    },
  },
  {
    // The console runs in the browser: one ES module per view, no build step.
    files: ['functions/coordinator-api/console/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
