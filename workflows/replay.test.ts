// Replays recorded bot workflow histories: a non-deterministic change to the workflow code fails here.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';

const dir = path.dirname(fileURLToPath(import.meta.url));

describe('recorded workflow histories', () => {
  it('replay without non-determinism errors', async () => {
    const files = (await readdir(path.join(dir, 'histories'))).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const histories = await Promise.all(
      files.map(async (f) => ({ workflowId: f, history: historyFromJSON(JSON.parse(await readFile(path.join(dir, 'histories', f), 'utf8'))) })),
    );
    const results = Worker.runReplayHistories({ workflowsPath: path.join(dir, 'index.ts') }, histories);
    for await (const result of results) {
      expect(result.error, `${result.workflowId}: ${result.error?.message}`).toBeUndefined();
    }
  }, 60_000);
});
