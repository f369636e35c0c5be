// Market feed workflow logic on the real Temporal dev server with a fake feed activity; standing-work idempotency.
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedProgress, MarketFeedActivities, WatchPricesInput } from '../activities/market-feed.js';
import { marketFeedWorkflowId, tradeSyncScheduleId } from '../domain/workflow-ids.js';
import { buildWorkflowBundle } from '../worker/bundle.js';
import { ensureMarketFeed, ensureSchedule } from '../worker/standing-work.js';
import { marketFeedWorkflow, type MarketFeedInput } from './market-feed.js';
import { tradeSyncWorkflow } from './trade-sync.js';

let env: TestWorkflowEnvironment;
let bundlePath: string;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createFromExistingServer({ address: process.env.TEMPORAL_ADDRESS });
  bundlePath = await buildWorkflowBundle();
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

/** A feed that "polls" for its run time and reports two ticks, failing the first `failures` calls. */
function fakeFeed(calls: Array<{ at: number; input: WatchPricesInput }>, failures = 0): MarketFeedActivities {
  return {
    async watchPrices(input) {
      calls.push({ at: performance.now(), input });
      if (calls.length <= failures) throw new Error('exchange unreachable');
      await Context.current().sleep(input.runForMs);
      return { ticks: 2, symbols: 1, moves: 1, lastTickAt: null, lastError: null } satisfies FeedProgress;
    },
  };
}

async function withWorker<T>(activities: MarketFeedActivities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: bundlePath }, activities });
  return worker.runUntil(fn(taskQueue));
}

async function until(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('market feed workflow', () => {
  it('continues as new after each run, carrying its tick count, so every run’s history stays short', async () => {
    const calls: Array<{ at: number; input: WatchPricesInput }> = [];
    await withWorker(fakeFeed(calls), async (taskQueue) => {
      const workflowId = marketFeedWorkflowId(`wf-${randomUUID()}`);
      const first = await env.client.workflow.start(marketFeedWorkflow, { workflowId, taskQueue, args: [{ exchangeId: 'x', runForMs: 100 }] });
      await until('three runs', () => calls.length >= 3);
      const latest = await env.client.workflow.getHandle(workflowId).describe();
      expect(latest.status.name).toBe('RUNNING');
      expect(latest.runId).not.toBe(first.firstExecutionRunId);
      const history = await env.client.workflow.getHandle(workflowId, first.firstExecutionRunId).fetchHistory();
      expect(history.events!.length).toBeLessThan(16);
      expect(history.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
      const carried = await env.client.workflow.getHandle(workflowId).fetchHistory();
      const input = carried.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
      const carriedInput = JSON.parse(Buffer.from(input.data!).toString()) as MarketFeedInput;
      expect(carriedInput).toMatchObject({ exchangeId: 'x', runForMs: 100 });
      expect(carriedInput.ticksBefore).toBeGreaterThanOrEqual(4);
      expect(calls.every((c) => c.input.exchangeId === 'x' && c.input.runForMs === 100)).toBe(true);
      await env.client.workflow.getHandle(workflowId).terminate('test over');
    });
  });

  it('restarts a failing feed with growing backoff instead of giving up', async () => {
    const calls: Array<{ at: number; input: WatchPricesInput }> = [];
    await withWorker(fakeFeed(calls, 2), async (taskQueue) => {
      const workflowId = marketFeedWorkflowId(`wf-${randomUUID()}`);
      await env.client.workflow.start(marketFeedWorkflow, { workflowId, taskQueue, args: [{ exchangeId: 'x', runForMs: 100 }] });
      await until('the third attempt', () => calls.length >= 3);
      const [a, b, c] = calls.map((x) => x.at);
      expect(b! - a!).toBeGreaterThanOrEqual(900);
      expect(c! - b!).toBeGreaterThanOrEqual(1800);
      await until('a run after recovery', () => calls.length >= 4);
      await env.client.workflow.getHandle(workflowId).terminate('test over');
    });
  });
});

describe('standing work at worker start', () => {
  it('starts one market feed per exchange however many workers ensure it', async () => {
    await withWorker(fakeFeed([]), async (taskQueue) => {
      const exchangeId = `ex-${randomUUID()}`;
      await Promise.all([1, 2, 3].map(() => ensureMarketFeed(env.client, taskQueue, exchangeId)));
      // Visibility is eventually consistent: wait until the run shows, then check no second one does.
      const list = async () => {
        const found = [];
        for await (const wf of env.client.workflow.list({ query: `WorkflowId = '${marketFeedWorkflowId(exchangeId, taskQueue)}'` })) found.push(wf);
        return found;
      };
      let runs = await list();
      for (let i = 0; i < 50 && runs.length === 0; i++) runs = await new Promise((r) => setTimeout(r, 200)).then(list);
      await new Promise((r) => setTimeout(r, 1000));
      runs = await list();
      expect(runs).toHaveLength(1);
      await ensureMarketFeed(env.client, taskQueue, exchangeId);
      expect((await env.client.workflow.getHandle(marketFeedWorkflowId(exchangeId, taskQueue)).describe()).runId).toBe(runs[0]!.runId);
      await env.client.workflow.getHandle(marketFeedWorkflowId(exchangeId, taskQueue)).terminate('test over');
    });
  });

  it('creates a schedule once, keeps it, and points it at the worker’s task queue', async () => {
    const scheduleId = tradeSyncScheduleId(randomUUID());
    const options = { scheduleId, every: '10 seconds' as const, workflow: tradeSyncWorkflow, taskQueue: 'queue-a' };
    try {
      expect(await ensureSchedule(env.client, options)).toBe('created');
      expect(await ensureSchedule(env.client, options)).toBe('exists');
      expect(await ensureSchedule(env.client, { ...options, taskQueue: 'queue-b' })).toBe('moved');
      const described = await env.client.schedule.getHandle(scheduleId).describe();
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'tradeSyncWorkflow', taskQueue: 'queue-b' });
      expect(described.policies.overlap).toBe('SKIP');
      expect(described.spec.intervals).toMatchObject([{ every: 10_000 }]);
    } finally {
      await env.client.schedule.getHandle(scheduleId).delete();
    }
  });
});
