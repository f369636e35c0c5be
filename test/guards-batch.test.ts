// Batched guard creation on real parts (the API, an in-process worker, Temporal, PostgreSQL, a paper exchange): a batch
// with bad guards names every bad field and creates none; a good one creates them all watching, the same request again
// returns the same guards, and a batch-made guard (no workflow until it acts) is edited, cancelled and exits like one
// made alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

let exchange: PaperExchangeHandle;
let platform: TestPlatform;
let user: Awaited<ReturnType<typeof signedUpAgent>>;

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: 'guards-batch', tickMs: 0 });
  exchange.setPrice('BTCUSDT', 50_000);
  exchange.setPrice('ETHUSDT', 3_000);
  platform = await startPlatform({ env: { PAPER_EXCHANGE_URL: exchange.url } });
  user = await signedUpAgent(platform.app);
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  await exchange?.close();
});

const guardIds = async () => ((await user.agent.get('/api/guards')).body.guards as Array<{ id: string }>).map((g) => g.id).sort();

describe('batched guard creation', () => {
  it('names every bad guard of a batch and creates none; creates a good batch watching, once; its guards exit like any', async () => {
    const paper = exchange.createAccount({ balances: { BTC: '1', ETH: '10' } });
    const account = await user.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
      .send({ exchangeId: 'paper', label: 'Batched', apiKey: paper.apiKey, secret: paper.secret, syncIntervalSeconds: 300 });
    expect(account.status, JSON.stringify(account.body)).toBe(201);
    const accountId: string = account.body.account.id;
    const wallet = (symbol: string, amount: number) => ({ kind: 'wallet', exchangeAccountId: accountId, symbol, amount });
    const before = await guardIds();

    const bad = await user.agent.post('/api/guards/batch').set('Origin', ORIGIN).send({
      guards: [
        { target: wallet('BTC/USDT', 0.1), trail: { trailPct: 5 } },
        { target: wallet('BTC/USDT', 2), trail: { trailPct: 5 } }, // more than the account holds
        { target: wallet('NOPE/USDT', 1), trail: { trailPct: 5 } },
        { target: { kind: 'bot_trade', botId: '6f1c2a5e-1d2b-4c3d-8e4f-5a6b7c8d9e0f', tradeId: 1 }, trail: { trailPct: 5 } },
      ],
    });
    expect(bad.status, JSON.stringify(bad.body)).toBe(400);
    expect(bad.body.error.field).toBe('guards.3.target.kind'); // checked before anything reaches the exchange
    const worse = await user.agent.post('/api/guards/batch').set('Origin', ORIGIN).send({
      guards: [{ target: wallet('BTC/USDT', 0.1), trail: { trailPct: 5 } }, { target: wallet('BTC/USDT', 2), trail: { trailPct: 5 } }, { target: wallet('NOPE/USDT', 1), trail: { trailPct: 5 } }],
    });
    expect(worse.status, JSON.stringify(worse.body)).toBe(400);
    expect(worse.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['guards.1.target.amount', 'guards.2.target.symbol']);
    expect(worse.body.error.message).toMatch(/guards\.1\.target\.amount: is more than Batched holds: 1 BTC/);
    const noRules = await user.agent.post('/api/guards/batch').set('Origin', ORIGIN).send({ guards: [{ target: wallet('BTC/USDT', 0.1) }] });
    expect(noRules.status, JSON.stringify(noRules.body)).toBe(400);
    expect(noRules.body.error.field).toBe('guards.0.trail');
    const tooMany = await user.agent.post('/api/guards/batch').set('Origin', ORIGIN)
      .send({ guards: Array.from({ length: 1001 }, () => ({ target: wallet('BTC/USDT', 0.001), trail: { trailPct: 5 } })) });
    expect(tooMany.status, JSON.stringify(tooMany.body)).toBe(400);
    expect(tooMany.body.error).toMatchObject({ field: 'guards', message: expect.stringMatching(/at most 1000/) });
    expect(await guardIds()).toEqual(before);

    const specs = Array.from({ length: 40 }, (_, i) => ({ target: wallet(i % 2 ? 'ETH/USDT' : 'BTC/USDT', i % 2 ? 0.2 : 0.02), trail: { trailPct: i < 2 ? 3 : 20 } }));
    const created = await user.agent.post('/api/guards/batch').set('Origin', ORIGIN).set('Idempotency-Key', 'batch-1').send({ guards: specs });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.guards).toHaveLength(40);
    expect(created.body.guards[1]).toMatchObject({ symbol: 'ETH/USDT', amount: 0.2, state: 'watching', rules: { trail: { trailPct: 3 } }, lagging: false });
    const again = await user.agent.post('/api/guards/batch').set('Origin', ORIGIN).set('Idempotency-Key', 'batch-1').send({ guards: specs });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.guards.map((g: { id: string }) => g.id)).toEqual(created.body.guards.map((g: { id: string }) => g.id));
    expect((await guardIds()).length).toBe(before.length + 40);

    // A batch-made guard is only its row until it acts: no workflow yet. An edit starts its workflow (and is validated
    // there), and the BTC guard with a 3 % trail gets its workflow from its stop and exits alone.
    const [btc, eth, third] = created.body.guards as Array<{ id: string }>;
    const workflowOf = (id: string) => platform.temporal.workflow.getHandle(`guard:${id}`).describe().then((d) => d.status.name, (e: Error) => e.name);
    expect(await workflowOf(third!.id)).toBe('WorkflowNotFoundError');
    const badEdit = await user.agent.patch(`/api/guards/${third!.id}`).set('Origin', ORIGIN).send({ trail: { trailPct: 120 } });
    expect(badEdit.status, JSON.stringify(badEdit.body)).toBe(400);
    expect(badEdit.body.error.field).toBe('trail.trailPct');
    const edited = await user.agent.patch(`/api/guards/${eth!.id}`).set('Origin', ORIGIN).send({ trail: { trailPct: 25 } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.guard.rules.trail).toEqual({ trailPct: 25 });
    expect(await workflowOf(eth!.id)).toBe('RUNNING');
    const cancelled = await user.agent.delete(`/api/guards/${third!.id}`).set('Origin', ORIGIN);
    expect(cancelled.body.guard.state, JSON.stringify(cancelled.body)).toBe('cancelled');
    expect((await user.agent.delete(`/api/guards/${third!.id}`).set('Origin', ORIGIN)).status).toBe(409);
    exchange.setPrice('BTCUSDT', 48_000);
    const exited = await waitFor('the 3 % BTC guard exited', async () => {
      const body = (await user.agent.get(`/api/guards/${btc!.id}`)).body;
      return body.guard.state === 'exited' ? body : null;
    }, 60_000);
    expect(exited.events).toEqual([expect.objectContaining({ step: 1, kind: 'trailing_stop', amount: 0.02 })]);
    expect(exited.workflow.workflowId).toBe(`guard:${btc!.id}`);
    expect(await workflowOf(btc!.id)).toBe('COMPLETED');
    const states = ((await user.agent.get('/api/guards')).body.guards as Array<{ id: string; state: string }>)
      .filter((g) => created.body.guards.some((c: { id: string }) => c.id === g.id)).map((g) => g.state);
    expect(states.filter((s) => s === 'exited')).toHaveLength(1);
    expect(states.filter((s) => s === 'cancelled')).toHaveLength(1);
    expect(exchange.account(paper.apiKey).orders).toBe(1);
  }, 180_000);
});
