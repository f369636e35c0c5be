// Wallet guards and what the account really holds, on real parts (API, Temporal, the platform's worker, a paper
// exchange whose prices move only when the test says): a guard for more than the holding is refused naming
// `target.amount` with what is held; a holding that shrank after the guard was made is sold only as far as it goes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardWatchWorkflowId } from '../domain/workflow-ids.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

let exchange: PaperExchangeHandle;
let platform: TestPlatform;
let user: Awaited<ReturnType<typeof signedUpAgent>>;
const accounts: string[] = [];

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: 'guards-holdings', tickMs: 0 });
  exchange.setPrice('BTCUSDT', 50_000);
  platform = await startPlatform({ env: { PAPER_EXCHANGE_URL: exchange.url } });
  user = await signedUpAgent(platform.app);
}, 120_000);
afterAll(async () => {
  for (const id of accounts) await user.agent.delete(`/api/exchange-accounts/${id}`).set('Origin', ORIGIN).catch(() => undefined);
  await platform?.temporal.workflow.getHandle(guardWatchWorkflowId('paper', platform.config.TEMPORAL_TASK_QUEUE)).cancel().catch(() => undefined);
  await platform?.stop();
  await exchange?.close();
});

async function paperAccount(label: string, balances: Record<string, string>) {
  const paper = exchange.createAccount({ balances });
  const res = await user.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
    .send({ exchangeId: 'paper', label, apiKey: paper.apiKey, secret: paper.secret, syncIntervalSeconds: 300 });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  accounts.push(res.body.account.id);
  return { paper, accountId: res.body.account.id as string };
}

describe('wallet guards and the holding', () => {
  it('refuses an amount above the holding, naming the field and what is held, and creates nothing', async () => {
    const { accountId } = await paperAccount('Small wallet', { BTC: '0.1002', USDT: '100' });
    const res = await user.agent.post('/api/guards').set('Origin', ORIGIN)
      .send({ target: { kind: 'wallet', exchangeAccountId: accountId, symbol: 'BTC/USDT', amount: 5 }, trail: { trailPct: 5 } });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error).toMatchObject({ field: 'target.amount', message: expect.stringContaining('Small wallet holds: 0.1002 BTC') });
    // None on this account (the file's other test guards an account of its own, in either order).
    const onAccount = async () => ((await user.agent.get('/api/guards')).body.guards as Array<{ target: { exchangeAccountId?: string } }>)
      .filter((g) => g.target.exchangeAccountId === accountId);
    expect(await onAccount()).toEqual([]);

    // Exactly the holding is fine.
    const ok = await user.agent.post('/api/guards').set('Origin', ORIGIN)
      .send({ target: { kind: 'wallet', exchangeAccountId: accountId, symbol: 'BTC/USDT', amount: 0.1002 }, trail: { trailPct: 50 } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect((await user.agent.delete(`/api/guards/${ok.body.guard.id}`).set('Origin', ORIGIN)).status).toBe(200);
  }, 60_000);

  it('sells only what is still held when the holding shrank after the guard was made', async () => {
    exchange.setPrice('BTCUSDT', 50_000);
    const { paper, accountId } = await paperAccount('Shrinking wallet', { BTC: '1' });
    const created = await user.agent.post('/api/guards').set('Origin', ORIGIN)
      .send({ target: { kind: 'wallet', exchangeAccountId: accountId, symbol: 'BTC/USDT', amount: 0.8 }, trail: { trailPct: 5 } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id: string = created.body.guard.id;
    await waitFor('priced', async () => (await user.agent.get(`/api/guards/${id}`)).body.guard.lastPrice !== null, 60_000);

    // Most of it sold by hand meanwhile: 0.3 BTC left.
    exchange.setBalances(paper.apiKey, { BTC: '0.3' });
    exchange.setPrice('BTCUSDT', 45_000);
    const done = await waitFor('exited', async () => {
      const body = (await user.agent.get(`/api/guards/${id}`)).body;
      return body.guard.state === 'exited' ? body : null;
    }, 60_000);
    expect(done.events).toEqual([expect.objectContaining({ kind: 'trailing_stop', amount: 0.3 })]);
    expect(Number(exchange.account(paper.apiKey).balances['BTC']?.free ?? 0)).toBe(0);
    expect(exchange.account(paper.apiKey).orders).toBe(1);
  }, 120_000);
});
