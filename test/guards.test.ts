// Guards end to end on real parts: the API, real worker processes (SIGKILLed on purpose), Temporal, PostgreSQL and a
// paper exchange whose prices move only when the test says. A wallet guard exits once at the right peak, also when its
// worker dies while the price makes a new high and again right after the trigger; a ladder sells its fractions.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { guardTaskQueue, guardWorkflowId } from '../domain/workflow-ids.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { guardWorkflow } from '../workflows/guard.js';
import { createGuard } from '../workflows/guard-messages.js';
import { spawnWorker, killWorker } from './worker-process.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

let exchange: PaperExchangeHandle;
let platform: TestPlatform;
let user: Awaited<ReturnType<typeof signedUpAgent>>;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawnWorker(platform.config);
  workers.push(child);
  return child;
}

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: 'guards', tickMs: 0 });
  exchange.setPrice('BTCUSDT', 50_000);
  exchange.setPrice('ETHUSDT', 3_000);
  platform = await startPlatform({ worker: false, env: { PAPER_EXCHANGE_URL: exchange.url } });
  user = await signedUpAgent(platform.app);
}, 120_000);
afterEach(async () => {
  await Promise.all(workers.splice(0).map(killWorker));
});
afterAll(async () => {
  await platform?.stop();
  await exchange?.close();
});

async function paperAccount(balances: Record<string, string>) {
  const paper = exchange.createAccount({ balances });
  const res = await user.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
    .send({ exchangeId: 'paper', label: 'Guarded', apiKey: paper.apiKey, secret: paper.secret, syncIntervalSeconds: 300 });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { paper, accountId: res.body.account.id as string };
}
const guardOf = async (id: string) => (await user.agent.get(`/api/guards/${id}`)).body;
const untilGuard = (id: string, label: string, ok: (g: Record<string, unknown>) => boolean, timeoutMs = 60_000) =>
  waitFor(label, async () => {
    const body = await guardOf(id);
    return ok(body.guard) ? body : null;
  }, timeoutMs);
const free = (key: string, asset: string) => Number(exchange.account(key).balances[asset]?.free ?? 0);

describe('position guards on a wallet holding', () => {
  it('rejects bad rules naming the field, and creates nothing', async () => {
    startWorker();
    const { accountId } = await paperAccount({ BTC: '1' });
    const target = { kind: 'wallet', exchangeAccountId: accountId, symbol: 'BTC/USDT', amount: 0.1 };
    const guardIds = async () => ((await user.agent.get('/api/guards')).body.guards as Array<{ id: string }>).map((g) => g.id);
    const before = await guardIds(); // other tests of this file may have made some
    const bad = async (body: object, field: string) => {
      const res = await user.agent.post('/api/guards').set('Origin', ORIGIN).send(body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.field).toBe(field);
    };
    await bad({ target, trail: { trailPct: 0 } }, 'trail.trailPct');
    await bad({ target, trail: { trailPct: 100 } }, 'trail.trailPct');
    await bad({ target, takeProfit: { targets: [{ price: 60_000, fraction: 0.5 }, { price: 55_000, fraction: 0.5 }] } }, 'takeProfit.targets.1.price');
    await bad({ target: { ...target, symbol: 'NOPE/USDT' }, trail: { trailPct: 5 } }, 'target.symbol');
    expect(await guardIds()).toEqual(before);
  }, 90_000);

  it('trails the peak and sells once when the price falls through the trail', async () => {
    startWorker();
    exchange.setPrice('BTCUSDT', 50_000);
    const { paper, accountId } = await paperAccount({ BTC: '1' });
    const created = await user.agent.post('/api/guards').set('Origin', ORIGIN)
      .send({ target: { kind: 'wallet', exchangeAccountId: accountId, symbol: 'BTC/USDT', amount: 0.5 }, trail: { trailPct: 5 } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id: string = created.body.guard.id;
    await untilGuard(id, 'priced', (g) => g.lastPrice !== null);
    for (const price of [52_000, 53_000]) {
      exchange.setPrice('BTCUSDT', price);
      await untilGuard(id, `peak near ${price}`, (g) => (g.peak as number) >= price * 0.999);
    }
    const watching = (await guardOf(id)).guard;
    expect(watching, JSON.stringify(watching)).toMatchObject({ state: 'watching', stopPrice: expect.closeTo(watching.peak * 0.95, 4) });
    exchange.setPrice('BTCUSDT', 51_000); // above the stop (~50,350): nothing happens
    await new Promise((r) => setTimeout(r, 1500));
    expect((await guardOf(id)).guard.state).toBe('watching');
    exchange.setPrice('BTCUSDT', 50_000);
    const done = await untilGuard(id, 'exited', (g) => g.state === 'exited');
    expect(exchange.account(paper.apiKey).orders).toBe(1);
    expect(free(paper.apiKey, 'BTC')).toBeCloseTo(0.5, 8);
    expect(done.events).toEqual([expect.objectContaining({ step: 1, kind: 'trailing_stop', amount: 0.5, peak: watching.peak, orderId: expect.any(String) })]);
  }, 120_000);

  it('sells a take-profit ladder in fractions, then completes', async () => {
    startWorker();
    exchange.setPrice('ETHUSDT', 3_000);
    const { paper, accountId } = await paperAccount({ ETH: '2' });
    const created = await user.agent.post('/api/guards').set('Origin', ORIGIN).send({
      target: { kind: 'wallet', exchangeAccountId: accountId, symbol: 'ETH/USDT', amount: 2, entryPrice: 3_000 },
      takeProfit: { targets: [{ pct: 5, fraction: 0.25 }, { price: 3_300, fraction: 0.75 }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id: string = created.body.guard.id;
    await untilGuard(id, 'priced', (g) => g.lastPrice !== null);
    exchange.setPrice('ETHUSDT', 3_160);
    await untilGuard(id, 'first target sold', (g) => g.nextTarget === 1);
    expect(free(paper.apiKey, 'ETH')).toBeCloseTo(1.5, 8);
    exchange.setPrice('ETHUSDT', 3_310);
    const done = await untilGuard(id, 'completed', (g) => g.state === 'completed');
    expect(free(paper.apiKey, 'ETH')).toBeCloseTo(0, 8);
    expect(done.events.map((e: { kind: string; amount: number }) => [e.kind, e.amount])).toEqual([['take_profit', 0.5], ['take_profit', 1.5]]);
    expect(exchange.account(paper.apiKey).orders).toBe(2);
  }, 120_000);

  it('survives its worker dying during a new high and right after the trigger: one exit, at the high made while down', async () => {
    let worker = startWorker();
    exchange.setPrice('BTCUSDT', 50_000);
    const { paper, accountId } = await paperAccount({ BTC: '1' });
    const created = await user.agent.post('/api/guards').set('Origin', ORIGIN)
      .send({ target: { kind: 'wallet', exchangeAccountId: accountId, symbol: 'BTC/USDT', amount: 0.2 }, trail: { trailPct: 4 } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id: string = created.body.guard.id;
    const { guard } = await untilGuard(id, 'priced', (g) => g.lastPrice !== null);
    // Recovery reads 1-minute candles that opened after the guard existed (an older high in its first minute is not
    // its business), so the missed high happens in a later minute.
    const nextMinute = Math.floor(Date.parse(guard.createdAt) / 60_000 + 1) * 60_000;
    await new Promise((r) => setTimeout(r, Math.max(0, nextMinute - Date.now() + 200)));

    await killWorker(worker);
    exchange.setPrice('BTCUSDT', 56_000); // the new high nobody watched
    exchange.setPrice('BTCUSDT', 55_000); // still above its stop (53,760)
    worker = startWorker();
    await untilGuard(id, 'the missed high recovered from candles', (g) => (g.peak as number) >= 56_000, 90_000);

    exchange.setPrice('BTCUSDT', 53_000);
    await untilGuard(id, 'the trigger taken', (g) => g.state !== 'watching', 30_000).catch(() => null);
    await killWorker(worker);
    startWorker();
    const done = await untilGuard(id, 'exited', (g) => g.state === 'exited', 90_000);
    expect(exchange.account(paper.apiKey).orders).toBe(1);
    expect(free(paper.apiKey, 'BTC')).toBeCloseTo(0.8, 8);
    expect(done.events, JSON.stringify(done)).toEqual([expect.objectContaining({ kind: 'trailing_stop', amount: 0.2, peak: 56_000 })]);
  }, 300_000);

  it('gives another user 404 and takes edits validated on the running workflow', async () => {
    startWorker();
    const { accountId } = await paperAccount({ BTC: '1' });
    const created = await user.agent.post('/api/guards').set('Origin', ORIGIN)
      .send({ target: { kind: 'wallet', exchangeAccountId: accountId, symbol: 'BTC/USDT', amount: 0.1 }, trail: { trailPct: 50 } });
    const id: string = created.body.guard.id;
    const other = await signedUpAgent(platform.app);
    expect((await other.agent.get(`/api/guards/${id}`)).status).toBe(404);
    expect((await other.agent.patch(`/api/guards/${id}`).set('Origin', ORIGIN).send({ trail: { trailPct: 2 } })).status).toBe(404);
    const bad = await user.agent.patch(`/api/guards/${id}`).set('Origin', ORIGIN).send({ trail: { trailPct: 120 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('trail.trailPct');
    const edited = await user.agent.patch(`/api/guards/${id}`).set('Origin', ORIGIN).send({ trail: { trailPct: 3 } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.guard.rules.trail).toEqual({ trailPct: 3 });
    const cancelled = await user.agent.delete(`/api/guards/${id}`).set('Origin', ORIGIN);
    expect(cancelled.body.guard.state).toBe('cancelled');
  }, 90_000);

  it('does nothing for a guard started directly in Temporal with another user\'s id and account, and ends it failed', async () => {
    startWorker();
    const { paper, accountId } = await paperAccount({ BTC: '1' });
    // What someone who reaches Temporal could do: name the victim as the user and the victim's account as the target.
    const guardId = randomUUID();
    const startWorkflowOperation = new WithStartWorkflowOperation(guardWorkflow, {
      workflowId: guardWorkflowId(guardId), taskQueue: guardTaskQueue(platform.config.TEMPORAL_TASK_QUEUE), args: [{ guardId, userId: user.userId }],
      workflowIdConflictPolicy: 'FAIL',
    });
    const spec = { target: { kind: 'wallet', exchangeAccountId: accountId, symbol: 'BTC/USDT', amount: 1 }, trail: { trailPct: 0.1 } };
    const refused = await platform.temporal.workflow.executeUpdateWithStart(createGuard, { args: [spec], updateId: 'create', startWorkflowOperation }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((refused as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('OwnerNotConfirmed');
    expect((refused as WorkflowUpdateFailedError).cause?.message).toMatch(/was not requested through the API by the user this workflow names: nothing was done/);
    const ended = await platform.temporal.workflow.getHandle(guardWorkflowId(guardId)).result().catch((e: unknown) => e);
    expect(ended).toBeInstanceOf(WorkflowFailedError);
    expect(((ended as WorkflowFailedError).cause as ApplicationFailure).type).toBe('OwnerNotConfirmed');
    expect((await user.agent.get(`/api/guards/${guardId}`)).status).toBe(404);
    expect(exchange.account(paper.apiKey).orders).toBe(0);
    expect(free(paper.apiKey, 'BTC')).toBe(1);
  }, 90_000);
});
