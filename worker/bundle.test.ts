// The guard worker's bundle holds the guard workflow and what it imports, nothing else: every guard run in memory
// evaluates it once, so zod or another workflow in it would cost each guard about a megabyte (worker/bundle.ts).
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildWorkflowBundle } from './bundle.js';

/** The project's own modules and the packages a bundle evaluates, from webpack's module ids in its code. */
async function modulesOf(name: 'platform' | 'guards'): Promise<string[]> {
  const code = await readFile(await buildWorkflowBundle({ name }), 'utf8');
  const ids = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"$/gm)].map((m) => m[1]!);
  return [...new Set(ids.map((id) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id)?.[1] ?? id))].sort();
}

describe('workflow bundles', () => {
  it('keep zod and every other workflow out of the guard bundle', async () => {
    const modules = await modulesOf('guards');
    expect(modules.filter((m) => m.startsWith('./'))).toEqual([
      './domain/field-error.ts', './domain/field-issues.ts', './domain/guard-math.ts', './domain/guard-rules.ts', './domain/owner.ts', './domain/trailing-stop.ts',
      './temporal/failure-converter.ts',
      './workflows/failure-message.ts', './workflows/guard-commands.ts', './workflows/guard-exit.ts', './workflows/guard-messages.ts',
      './workflows/guard.ts', './workflows/guards-index.ts',
    ]);
    expect(modules).not.toContain('zod');
  }, 120_000);

  it('keep the guard workflow in the platform bundle too, for guards started before the guard worker existed', async () => {
    expect(await modulesOf('platform')).toEqual(expect.arrayContaining(['./workflows/guard.ts', './workflows/index.ts', './workflows/bot.ts', 'zod']));
  }, 120_000);

  it('hold the tracing workflow interceptors in the platform bundle only', async () => {
    expect(await modulesOf('platform')).toEqual(expect.arrayContaining(['./workflows/tracing-interceptors.ts', '@temporalio/interceptors-opentelemetry']));
    expect(await modulesOf('guards')).not.toContain('@temporalio/interceptors-opentelemetry');
  }, 240_000);
});
