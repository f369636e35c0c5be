// Guards when Temporal refuses signals, on real parts: a Temporal dev server of this file's own that takes one signal per
// workflow and refuses the rest (history.maximumSignalsPerExecution), the API with an in-process worker, PostgreSQL and
// a paper exchange. A guard whose stop signals fail shows `lagging` in the API, its watcher backs off instead of
// retrying every tick, other guards still exit, and a cancel (an update, which the limit does not touch) clears it.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuardWatchProgress } from '../activities/guard-watcher.js';
import { guardWatchWorkflowId, guardWorkflowId } from '../domain/workflow-ids.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { dataDir } from '../scripts/services/paths.js';
import { freePort } from '../scripts/services/ports.js';
import { startTemporal, type TemporalHandle } from '../scripts/services/temporal.js';
import { createPayloadCodec } from '../temporal/payload-codec.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

let exchange: PaperExchangeHandle;
let temporal: TemporalHandle;
let platform: TestPlatform;
let user: Awaited<ReturnType<typeof signedUpAgent>>;
const temporalLog = path.join(dataDir, `temporal-overload-${randomUUID().slice(0, 8)}.log`);

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: 'guards-overload', tickMs: 0 });
  exchange.setPrice('BTCUSDT', 50_000);
  exchange.setPrice('ETHUSDT', 3_000);
  temporal = await startTemporal({
    port: await freePort(), logFile: temporalLog,
    dynamicConfig: { 'history.maximumSignalsPerExecution': 1 },
  });
  platform = await startPlatform({ env: { PAPER_EXCHANGE_URL: exchange.url, TEMPORAL_ADDRESS: temporal.address } });
  user = await signedUpAgent(platform.app);
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  await temporal?.stop();
  await exchange?.close();
  fs.rmSync(temporalLog, { force: true });
});

const guardOf = async (id: string) => (await user.agent.get(`/api/guards/${id}`)).body.guard as Record<string, unknown>;
const untilGuard = (id: string, label: string, ok: (g: Record<string, unknown>) => boolean, timeoutMs = 60_000) =>
  waitFor(label, async () => {
    const guard = await guardOf(id);
    return ok(guard) ? guard : null;
  }, timeoutMs);

/** What the exchange's watcher last reported in its heartbeat. */
async function watcherProgress(): Promise<GuardWatchProgress | null> {
  const { raw } = await platform.temporal.workflow.getHandle(guardWatchWorkflowId('paper', platform.config.TEMPORAL_TASK_QUEUE)).describe();
  const payloads = raw.pendingActivities?.[0]?.heartbeatDetails?.payloads;
  if (!payloads?.length) return null;
  const [payload] = await createPayloadCodec(process.env.TF_SECRET_KEY!).decode(payloads as never);
  return defaultPayloadConverter.fromPayload<GuardWatchProgress>(payload!);
}

describe('guards when Temporal refuses their signals', () => {
  it('shows the guard lagging, backs its signals off, keeps the other guards exiting, and clears when the guard acts', async () => {
    const paper = exchange.createAccount({ balances: { BTC: '1', ETH: '10' } });
    const account = await user.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
      .send({ exchangeId: 'paper', label: 'Overloaded', apiKey: paper.apiKey, secret: paper.secret, syncIntervalSeconds: 300 });
    expect(account.status, JSON.stringify(account.body)).toBe(201);
    const create = async (symbol: string, amount: number) => {
      const res = await user.agent.post('/api/guards').set('Origin', ORIGIN)
        .send({ target: { kind: 'wallet', exchangeAccountId: account.body.account.id, symbol, amount }, trail: { trailPct: 5 } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.guard.id as string;
    };
    const stuck = await create('BTC/USDT', 0.1);
    const fine = await create('ETH/USDT', 1);
    for (const id of [stuck, fine]) await untilGuard(id, 'priced', (g) => g.lastPrice !== null);
    expect(await guardOf(stuck)).toMatchObject({ lagging: false, laggingSince: null });

    // A 2 % rise: the watcher tells the BTC guard its new peak, the one signal its workflow may ever take.
    exchange.setPrice('BTCUSDT', 51_000);
    await waitFor('the peak signal in the guard\'s history', async () => {
      const history = await platform.temporal.workflow.getHandle(guardWorkflowId(stuck)).fetchHistory();
      return history.events?.some((e) => e.workflowExecutionSignaledEventAttributes) ?? false;
    }, 30_000);

    // Both stops cross: the ETH guard exits; every stop signal to the BTC guard is refused.
    exchange.setPrice('BTCUSDT', 47_000);
    exchange.setPrice('ETHUSDT', 2_800);
    await untilGuard(fine, 'the other guard exited', (g) => g.state === 'exited');
    const lagging = await untilGuard(stuck, 'lagging', (g) => g.lagging === true, 30_000);
    expect(lagging).toMatchObject({ state: 'watching', laggingSince: expect.any(String) });
    const failedAt = (await waitFor('a failed signal reported', async () => {
      const p = await watcherProgress();
      return p && p.signalStats.failed > 0 ? p : null;
    }, 30_000)).signalStats.failed;
    // Twenty seconds more: at one try a tick that would be 80 failures; with the guard's backoff (1, 2, 4, 8 s ...) a few.
    await new Promise((r) => setTimeout(r, 20_000));
    const later = (await watcherProgress())!;
    expect(later.signalStats.failed - failedAt).toBeGreaterThanOrEqual(1);
    expect(later.signalStats.failed - failedAt).toBeLessThanOrEqual(6);
    expect(later.lagging).toBe(1);
    expect((await guardOf(stuck)).lagging).toBe(true);
    expect(exchange.account(paper.apiKey).orders).toBe(1); // the ETH exit only

    // A cancel is an update, which the limit does not refuse: the guard acts, and no longer lags.
    const cancelled = await user.agent.delete(`/api/guards/${stuck}`).set('Origin', ORIGIN);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.guard).toMatchObject({ state: 'cancelled', lagging: false });
    await new Promise((r) => setTimeout(r, 2500)); // the watcher's next writes must not set it again
    expect(await guardOf(stuck)).toMatchObject({ state: 'cancelled', lagging: false, laggingSince: null });
  }, 240_000);
});
