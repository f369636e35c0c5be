// Exchange accounts end to end on real parts: API → Temporal (workflow + schedule) → worker → ccxt → the paper exchange.
import { ScheduleNotFoundError } from '@temporalio/client';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sql } from '../db/pool.js';
import { addExchangeAccountWorkflowId, walletSyncScheduleId } from '../domain/workflow-ids.js';
import { binanceClient, startTestExchange } from '../exchange/test-support.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

let ex: PaperExchangeHandle;
let platform: TestPlatform;
let owner: Awaited<ReturnType<typeof signedUpAgent>>;
const created: string[] = [];

beforeAll(async () => {
  ex = await startTestExchange();
  platform = await startPlatform({ env: { PAPER_EXCHANGE_URL: ex.url, BOT_DRIVER: 'process', TF_DATA_DIR: '.data/test-exchange-accounts' } });
  owner = await signedUpAgent(platform.app);
}, 120_000);

afterAll(async () => {
  // Schedules outlive the test's task queue: remove every account this file made.
  for (const id of created) await owner?.agent.delete(`/api/exchange-accounts/${id}`).set('Origin', ORIGIN);
  await platform?.stop();
  await ex?.close();
});

const scheduleOf = (id: string) => platform.temporal.schedule.getHandle(walletSyncScheduleId(id));

/** A funded paper account and the body that adds it to the platform. */
function paperAccount(balances: Record<string, string> = { USDT: '5000', BTC: '0.25' }, syncIntervalSeconds = 60) {
  const account = ex.createAccount({ balances });
  return { account, body: { exchangeId: 'paper', label: 'Paper main', apiKey: account.apiKey, secret: account.secret, syncIntervalSeconds } };
}

async function addAccount(agent: typeof owner.agent, body: object) {
  const res = await agent.post('/api/exchange-accounts').set('Origin', ORIGIN).send(body);
  if (res.status === 201) created.push(res.body.account.id);
  return res;
}

async function snapshotAfter(agent: typeof owner.agent, id: string, after = '') {
  return waitFor(`a snapshot of ${id} after ${after || 'nothing'}`, async () => {
    const { body } = await agent.get(`/api/exchange-accounts/${id}`);
    return body.snapshot && body.snapshot.takenAt > after ? body : null;
  }, 30_000);
}

/** The account ids of the addExchangeAccount runs of this platform that failed, once `count` of them started after `since`. */
async function failedAddRuns(since: string, count: number): Promise<string[]> {
  const query = `WorkflowType = 'addExchangeAccount' AND TaskQueue = '${platform.config.TEMPORAL_TASK_QUEUE}' AND ExecutionStatus = 'Failed' AND StartTime > '${since}'`;
  // Visibility is eventually consistent: wait until every run shows.
  return waitFor(`${count} failed add runs`, async () => {
    const ids: string[] = [];
    for await (const wf of platform.temporal.workflow.list({ query })) ids.push(wf.workflowId.replace(addExchangeAccountWorkflowId(''), ''));
    return ids.length === count ? ids : null;
  });
}

async function expectNothingSaved(accountIds: string[]) {
  for (const id of accountIds) {
    const rows = await platform.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from exchange_accounts where id = ${id}`);
    expect(rows, `row of ${id}`).toBe(0);
    await expect(scheduleOf(id).describe(), `schedule of ${id}`).rejects.toThrow(ScheduleNotFoundError);
  }
}

describe('exchange accounts', () => {
  it('adds an account whose key the exchange accepts: 201, a sync schedule, and a snapshot of its wallet', async () => {
    const { account, body } = paperAccount({ USDT: '5000', BTC: '0.25', ETH: '0' });
    // One open order, so the snapshot has something besides balances.
    const trader = binanceClient(ex, account);
    const btc = Number(ex.prices().find((p) => p.symbol === 'BTCUSDT')!.last);
    const order = await trader.createLimitBuyOrder('BTC/USDT', 0.001, Math.round(btc / 2));

    const listener = new pg.Client({ connectionString: platform.config.DATABASE_URL });
    await listener.connect();
    await listener.query('listen wallet_changes');
    // Other tests' accounts sync on their own schedules: keep every notification and look for this account's.
    const notifications: string[] = [];
    listener.on('notification', (n) => notifications.push(n.payload ?? ''));

    const res = await addAccount(owner.agent, body);
    expect(res.status).toBe(201);
    const id: string = res.body.account.id;
    expect(res.body.account).toMatchObject({ exchangeId: 'paper', label: 'Paper main', status: 'active', syncIntervalSeconds: 60 });
    expect(res.body.account.apiKeyHint).toBe(`…${account.apiKey.slice(-4)}`);
    expect(JSON.stringify(res.body)).not.toContain(account.apiKey);
    expect(JSON.stringify(res.body)).not.toContain(account.secret);

    const schedule = await scheduleOf(id).describe();
    expect(schedule.spec.intervals).toEqual([expect.objectContaining({ every: 60_000 })]);
    expect(schedule.policies.overlap).toBe('SKIP');
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'walletSync', args: [id], taskQueue: platform.config.TEMPORAL_TASK_QUEUE });

    const { account: synced, snapshot } = await snapshotAfter(owner.agent, id);
    const balances = Object.fromEntries(snapshot.balances.map((b: { asset: string; total: number }) => [b.asset, b.total]));
    expect(balances).toEqual({ USDT: 5000, BTC: 0.25 }); // ETH is zero: left out
    const usdt = snapshot.balances.find((b: { asset: string }) => b.asset === 'USDT');
    expect(usdt.used).toBeCloseTo(0.001 * Math.round(btc / 2), 6);
    expect(snapshot.openOrders).toEqual([expect.objectContaining({ id: order.id, symbol: 'BTC/USDT', side: 'buy', amount: 0.001 })]);
    expect(synced.lastSuccessAt).not.toBeNull();
    expect(synced.lastError).toBeNull();
    const mine = await waitFor('the wallet_changes notification', async () => notifications.map((n) => JSON.parse(n)).find((n) => n.accountId === id), 10_000);
    expect(mine).toEqual({ accountId: id, userId: owner.userId });
    await listener.end();

    // At rest the credentials are sealed, not readable.
    const stored = await platform.db.oneFirst(sql.type(z.object({ credentials: z.string() }))`select credentials from exchange_accounts where id = ${id}`);
    expect(stored).toMatch(/^v2\./); // sealed with the newest key and bound to this row
    expect(stored).not.toContain(account.apiKey);
    expect((await owner.agent.get('/api/exchange-accounts')).body.accounts.map((a: { id: string }) => a.id)).toContain(id);
  });

  it('refuses a key or secret the exchange rejects with 400 on apiKey, and saves nothing', async () => {
    const { account } = paperAccount();
    const since = new Date().toISOString();
    for (const bad of [
      { apiKey: 'UNKNOWNKEY0123456789', secret: account.secret },
      { apiKey: account.apiKey, secret: 'not-the-right-secret' },
    ]) {
      const res = await addAccount(owner.agent, { label: 'Bad key', ...bad });
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({ code: 'invalid_credentials', message: 'the exchange rejected this API key/secret', field: 'apiKey' });
    }
    await expectNothingSaved(await failedAddRuns(since, 2));
  });

  it('answers 400 naming the field for an unknown exchange, a missing passphrase or a bad interval', async () => {
    const { body } = paperAccount();
    for (const [change, field] of [
      [{ exchangeId: 'nosuchexchange' }, 'exchangeId'],
      [{ exchangeId: 'okx' }, 'passphrase'],
      [{ syncIntervalSeconds: 5 }, 'syncIntervalSeconds'],
      [{ label: '' }, 'label'],
      [{ apiKey: 'short' }, 'apiKey'],
    ] as const) {
      const res = await addAccount(owner.agent, { ...body, ...change });
      expect(res.status, JSON.stringify(change)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
  });

  it('answers 502 when the exchange is down, after retrying, and saves nothing', async () => {
    const { account, body } = paperAccount();
    const since = new Date().toISOString();
    // Public market data may still answer; every call with this key fails (other tests' accounts keep syncing).
    ex.injectFault({ kind: 'error', status: 503, count: 1000, apiKey: account.apiKey });
    try {
      const res = await addAccount(owner.agent, body);
      expect(res.status).toBe(502);
      expect(res.body.error.code).toBe('exchange_unavailable');
      expect(res.body.error.message).toMatch(/could not reach the exchange.*nothing was saved/);
    } finally {
      ex.clearFaults();
    }
    const [id] = await failedAddRuns(since, 1);
    await expectNothingSaved([id!]);
    // The verification was retried with backoff before giving up.
    const history = await platform.temporal.workflow.getHandle(addExchangeAccountWorkflowId(id!)).fetchHistory();
    const started = history.events!.find((e) => e.activityTaskStartedEventAttributes)!.activityTaskStartedEventAttributes!;
    expect(started.attempt).toBeGreaterThanOrEqual(4);
  }, 90_000);

  it("waits out the exchange's 429 for as long as its Retry-After says, then adds the account", async () => {
    const { account, body } = paperAccount();
    // Only this key's call: another account's background sync must not take the 429 in its place.
    ex.injectFault({ kind: 'rateLimit', count: 1, retryAfterSeconds: 3, apiKey: account.apiKey });
    const started = Date.now();
    const res = await addAccount(owner.agent, body);
    expect(res.status).toBe(201);
    // The retry policy alone would have tried again after 1 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
  });

  it('marks the account invalid_credentials and pauses its schedule when the exchange revokes the key, and recovers on resume', async () => {
    const { account, body } = paperAccount({ USDT: '100' });
    const id: string = (await addAccount(owner.agent, body)).body.account.id;
    const first = await snapshotAfter(owner.agent, id);

    const paper = ex.engine.accounts.find(account.id)!;
    ex.engine.accounts.remove(paper); // the key is revoked on the exchange
    expect((await owner.agent.post(`/api/exchange-accounts/${id}/sync`).set('Origin', ORIGIN)).status).toBe(202);
    const invalid = await waitFor('invalid_credentials', async () => {
      const { body: b } = await owner.agent.get(`/api/exchange-accounts/${id}`);
      return b.account.status === 'invalid_credentials' ? b.account : null;
    }, 30_000);
    expect(invalid.lastError).toMatch(/the exchange rejected this API key\/secret/);
    expect(invalid.lastError).not.toContain(account.apiKey);
    const state = (await scheduleOf(id).describe()).state;
    expect(state.paused).toBe(true);
    expect(state.note).toMatch(/rejected the API key/);

    ex.engine.accounts.add(paper); // the key works again
    const resumed = await owner.agent.post(`/api/exchange-accounts/${id}/resume`).set('Origin', ORIGIN);
    expect(resumed.body.account.status).toBe('active');
    const next = await snapshotAfter(owner.agent, id, first.snapshot.takenAt);
    expect(next.account.status).toBe('active');
    expect((await scheduleOf(id).describe()).state.paused).toBe(false);
  });

  it('pauses, syncs now, resumes, changes the interval and deletes', async () => {
    const { body } = paperAccount({ USDT: '42' });
    const id: string = (await addAccount(owner.agent, body)).body.account.id;
    const first = await snapshotAfter(owner.agent, id);

    const paused = await owner.agent.post(`/api/exchange-accounts/${id}/pause`).set('Origin', ORIGIN);
    expect(paused.body.account.status).toBe('paused');
    expect((await scheduleOf(id).describe()).state.paused).toBe(true);

    // Sync now works on a paused account and leaves it paused.
    expect((await owner.agent.post(`/api/exchange-accounts/${id}/sync`).set('Origin', ORIGIN)).status).toBe(202);
    const manual = await snapshotAfter(owner.agent, id, first.snapshot.takenAt);
    expect(manual.account.status).toBe('paused');

    const resumed = await owner.agent.post(`/api/exchange-accounts/${id}/resume`).set('Origin', ORIGIN);
    expect(resumed.body.account.status).toBe('active');
    expect((await scheduleOf(id).describe()).state.paused).toBe(false);

    const patched = await owner.agent.patch(`/api/exchange-accounts/${id}`).set('Origin', ORIGIN).send({ label: 'Renamed', syncIntervalSeconds: 30 });
    expect(patched.status).toBe(200);
    expect(patched.body.account).toMatchObject({ label: 'Renamed', syncIntervalSeconds: 30 });
    expect((await scheduleOf(id).describe()).spec.intervals).toEqual([expect.objectContaining({ every: 30_000 })]);
    const badPatch = await owner.agent.patch(`/api/exchange-accounts/${id}`).set('Origin', ORIGIN).send({ syncIntervalSeconds: 1 });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.error.field).toBe('syncIntervalSeconds');

    expect((await owner.agent.delete(`/api/exchange-accounts/${id}`).set('Origin', ORIGIN)).status).toBe(204);
    expect((await owner.agent.get(`/api/exchange-accounts/${id}`)).status).toBe(404);
    await expect(scheduleOf(id).describe()).rejects.toThrow(ScheduleNotFoundError);
    const snapshots = await platform.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from wallet_snapshots where account_id = ${id}`);
    expect(snapshots).toBe(0);
  });

  it("gives another user 404 on every endpoint of the owner's account and changes nothing; 401 without a session", async () => {
    const { body } = paperAccount();
    const id: string = (await addAccount(owner.agent, body)).body.account.id;
    const intruder = await signedUpAgent(platform.app);
    const endpoints = [
      ['get', `/api/exchange-accounts/${id}`], ['patch', `/api/exchange-accounts/${id}`], ['post', `/api/exchange-accounts/${id}/pause`],
      ['post', `/api/exchange-accounts/${id}/resume`], ['post', `/api/exchange-accounts/${id}/sync`], ['delete', `/api/exchange-accounts/${id}`],
    ] as const;
    for (const [method, path] of endpoints) {
      const res = await intruder.agent[method](path).set('Origin', ORIGIN).send({ label: 'mine now' });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await intruder.agent.get('/api/exchange-accounts')).body.accounts).toEqual([]);
    const anon = request(platform.app);
    for (const [method, path] of [...endpoints, ['get', '/api/exchange-accounts'], ['post', '/api/exchange-accounts']] as const) {
      expect((await anon[method](path).set('Origin', ORIGIN)).status, `${method} ${path}`).toBe(401);
    }
    const mine = await owner.agent.get(`/api/exchange-accounts/${id}`);
    expect(mine.body.account).toMatchObject({ label: 'Paper main', status: 'active' });
    expect((await scheduleOf(id).describe()).state.paused).toBe(false);
  });
});
