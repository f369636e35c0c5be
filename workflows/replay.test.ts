// Replays recorded workflow histories: a non-deterministic change to the workflow code fails here.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { platformDataConverter } from '../temporal/data-converter.js';
import { createPayloadCodec } from '../temporal/payload-codec.js';
import { tracingInterceptorModules } from '../worker/bundle.js';

const dir = path.dirname(fileURLToPath(import.meta.url));

async function loadHistories() {
  const files = (await readdir(path.join(dir, 'histories'))).filter((f) => f.endsWith('.json'));
  return Promise.all(
    files.map(async (f) => ({ workflowId: f, history: historyFromJSON(JSON.parse(await readFile(path.join(dir, 'histories', f), 'utf8'))) })),
  );
}

describe('recorded workflow histories', () => {
  it('replay without non-determinism errors', async () => {
    const histories = await loadHistories();
    expect(histories.length).toBeGreaterThanOrEqual(2);
    const results = Worker.runReplayHistories({ workflowsPath: path.join(dir, 'index.ts') }, histories);
    for await (const result of results) {
      expect(result.error, `${result.workflowId}: ${result.error?.message}`).toBeUndefined();
    }
  }, 60_000);

  it('replay with the payload codec and failure converter the worker runs with (old histories are unencrypted)', async () => {
    const histories = await loadHistories();
    const dataConverter = platformDataConverter(createPayloadCodec(Buffer.alloc(32, 7).toString('base64')));
    const results = Worker.runReplayHistories({ workflowsPath: path.join(dir, 'index.ts'), dataConverter }, histories);
    for await (const result of results) {
      expect(result.error, `${result.workflowId}: ${result.error?.message}`).toBeUndefined();
    }
  }, 60_000);

  it('replay with the tracing workflow interceptors every worker loads (histories recorded before they existed)', async () => {
    const histories = await loadHistories();
    const results = Worker.runReplayHistories({
      workflowsPath: path.join(dir, 'index.ts'),
      interceptors: { workflowModules: tracingInterceptorModules() },
      // The interceptors' span sink, as every worker registers it (sinks are not called while replaying).
      sinks: { exporter: { export: { fn: () => undefined } } },
    }, histories);
    for await (const result of results) {
      expect(result.error, `${result.workflowId}: ${result.error?.message}`).toBeUndefined();
    }
  }, 120_000);
});
