// The project's ESLint rules (eslint.config.js) catch what they are there for: I/O in workflow code, and promises
// nobody awaits. `npm run lint` (part of .ci/run) applies them to the whole tree.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/services/paths.js';

// The import rule needs no types: lint text at paths that do not exist, without the TypeScript program.
const untyped = new ESLint({
  cwd: repoRoot,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
  },
});

async function messagesFor(code: string, filePath: string, eslint = untyped): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repoRoot}/${filePath}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parser'}: ${m.message}`);
}

describe('ESLint rules', () => {
  it.each([
    ["import fs from 'node:fs';", 'Node built-ins'],
    ["import { randomUUID } from 'crypto';", 'Node built-ins'],
    ["import pg from 'pg';", 'I/O modules'],
    ["import Docker from 'dockerode';", 'I/O modules'],
    ["import { Client } from '@temporalio/client';", 'I/O modules'],
    ["import { createBotActivities } from '../activities/bots.js';", 'by type only'],
    ["import { findBotWithSecret } from '../db/bots.js';", 'by type only'],
  ])('a workflow may not %s', async (code, reason) => {
    const messages = await messagesFor(`${code}\nexport const x = 1;\n`, 'workflows/lint-probe.ts');
    expect(messages.join('\n')).toContain(reason);
    expect(messages[0]).toMatch(/^@typescript-eslint\/no-restricted-imports: /);
  });

  it('a workflow may import @temporalio/workflow, the domain and activities by type', async () => {
    const code = [
      "import { proxyActivities } from '@temporalio/workflow';",
      "import { CreateBotInput } from '../domain/bot.js';",
      "import type { BotActivities } from '../activities/bots.js';",
      'export const acts = proxyActivities<BotActivities>({ startToCloseTimeout: 1000 });',
      'export const schema = CreateBotInput;',
    ].join('\n');
    expect(await messagesFor(code, 'workflows/lint-probe.ts')).toEqual([]);
  });

  it('activities and workflow tests may use Node and I/O modules', async () => {
    expect(await messagesFor("import fs from 'node:fs';\nimport pg from 'pg';\nexport const x = [fs, pg];\n", 'activities/lint-probe.ts')).toEqual([]);
    expect(await messagesFor("import fs from 'node:fs';\nexport const x = fs;\n", 'workflows/lint-probe.test.ts')).toEqual([]);
  });

  // Building the project's TypeScript program takes a while on a busy machine.
  it('a promise neither awaited nor handled is an error, with the types of the real project', { timeout: 240_000 }, async () => {
    const typed = new ESLint({ cwd: repoRoot });
    // An existing file's path, so the project's TypeScript program types it; the text is ours.
    const code = "import { setTimeout as sleep } from 'node:timers/promises';\nexport function f(): void {\n  sleep(1);\n}\n";
    const messages = await messagesFor(code, 'scripts/services/ports.ts', typed);
    expect(messages.some((m) => m.startsWith('@typescript-eslint/no-floating-promises'))).toBe(true);
    const handled = code.replace('  sleep(1);', '  void sleep(1);');
    expect(await messagesFor(handled, 'scripts/services/ports.ts', typed)).toEqual([]);
  });
});
