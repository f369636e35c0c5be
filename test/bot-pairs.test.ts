// Changing the pairs a bot trades (its whitelist) through the API, on real parts (API → Temporal → worker → Docker): a
// pooled builtin bot takes the new list through its pool container's bot list, a dedicated one through its rewritten
// config, running or stopped, and a FreqTrade bot by reloading it; each bot's own /api/v1/whitelist answers the new
// list. A trade open on a pair taken out stays managed. Bad input is a 400 naming the field and another user's bot a
// 404, and neither changes anything.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBotWithSecret } from '../db/bots.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { holdStrategyOf } from './hold-strategy.js';
import { botClientOf, ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

const docker = new Docker();
let platform: TestPlatform;
let exchange: PaperExchangeHandle;
/** Alice's builtin bots' strategy: it never trades on its own, so the trade the test forces stays open until it exits it. */
let hold: string;
let alice: Awaited<ReturnType<typeof signedUpAgent>>;
let bob: Awaited<ReturnType<typeof signedUpAgent>>;

const client = async (botId: string) => botClientOf(platform, (await findBotWithSecret(platform.db, botId))!);
const whitelist = async (botId: string) => (await (await client(botId)).get<{ whitelist: string[] }>('whitelist')).whitelist;
const rowPairs = async (botId: string) => (await findBotWithSecret(platform.db, botId))!.pairs;
const putPairs = (agent: typeof alice.agent, botId: string, body: unknown) => agent.put(`/api/bots/${botId}/pairs`).set('Origin', ORIGIN).send(body as object);

async function runningBot(name: string, pairs: string[], placement: 'pool' | 'dedicated', engine: 'builtin' | 'freqtrade' = 'builtin'): Promise<string> {
  const strategy = engine === 'builtin' ? { strategyVersionId: hold } : {};
  const created = await alice.agent.post('/api/bots').set('Origin', ORIGIN).send({ name, pairs, stakeAmount: 20, placement, engine, ...strategy });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.bot.id as string;
  await waitFor(`${name} running`, async () => {
    const { bot } = (await alice.agent.get(`/api/bots/${id}`)).body;
    if (bot.status === 'failed') throw new Error(`provisioning failed: ${bot.lastError}`);
    return bot.status === 'running';
  }, 240_000);
  return id;
}

beforeAll(async () => {
  // Prices stand still, and the builtin bots hold their trades (test/hold-strategy.ts): an open trade leaves only when
  // the test exits it (a full CI run saw the forced ETH trade gone after the pairs change on the random walk).
  exchange = await startPaperExchange({ port: 0, seed: `bot-pairs-${Date.now()}`, tickMs: 0 });
  platform = await startPlatform({ env: { BOT_DRIVER: 'docker', BOT_PLACEMENT: 'pool', PAPER_EXCHANGE_URL: exchange.url } });
  alice = await signedUpAgent(platform.app);
  bob = await signedUpAgent(platform.app);
  hold = await holdStrategyOf(alice);
}, 120_000);

afterAll(async () => {
  // The worker first: a pool scaler still running could start a container after the sweep below.
  await platform?.stopWorker();
  const mine = [
    ...(await docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${platform.config.BOT_POOL_ID}`] } })),
    ...(alice ? await docker.listContainers({ all: true, filters: { label: [`tradefleet.user=${alice.userId}`] } }) : []),
  ];
  for (const c of mine) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  for (const v of (await docker.listVolumes()).Volumes ?? []) {
    const own = v.Name.startsWith(`tf-pool-${platform.config.BOT_POOL_ID}-c`) || (alice && v.Labels?.['tradefleet.user'] === alice.userId);
    if (own) await docker.getVolume(v.Name).remove().catch(() => undefined);
  }
  await platform?.stop();
  await exchange?.close();
}, 120_000);

describe("changing a bot's pairs", () => {
  it('a pooled bot trades the new list through its container, keeps managing the open trade of a pair taken out, and refuses bad input', async () => {
    const id = await runningBot('Pooled pairs', ['BTC/USDT', 'ETH/USDT'], 'pool');
    expect(await whitelist(id)).toEqual(['BTC/USDT', 'ETH/USDT']);
    // An open trade on the pair about to go.
    const bot = await client(id);
    await bot.post('forceenter', { pair: 'ETH/USDT' });
    const eth = await waitFor('the ETH trade open', async () => (await bot.get<Array<{ trade_id: number; pair: string }>>('status')).find((t) => t.pair === 'ETH/USDT'));

    for (const [body, field] of [
      [{ pairs: [] }, 'pairs'],
      [{ pairs: ['BTC/EUR'] }, 'pairs.0'],
      [{ pairs: ['BTC/USDT', 'btc/usdt'] }, 'pairs'],
      [{ pairs: ['BTC/USDT', 'NOPE/USDT'] }, 'pairs.1'],
    ] as const) {
      const res = await putPairs(alice.agent, id, body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.field, JSON.stringify(res.body)).toBe(field);
    }
    expect((await putPairs(alice.agent, id, { pairs: ['BTC/USDT'], name: 'x' })).status).toBe(400);
    expect((await putPairs(bob.agent, id, { pairs: ['SOL/USDT'] })).status).toBe(404);
    expect(await rowPairs(id)).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(await whitelist(id)).toEqual(['BTC/USDT', 'ETH/USDT']);

    const changed = await putPairs(alice.agent, id, { pairs: ['BTC/USDT', 'SOL/USDT'] });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.pairs).toEqual({ status: 'running', pairs: ['BTC/USDT', 'SOL/USDT'], previous: ['BTC/USDT', 'ETH/USDT'], applied: true });
    expect(changed.body.bot.pairs).toEqual(['BTC/USDT', 'SOL/USDT']);
    // Answered once the bot trades the list: its own API says so now, in the same container.
    expect(await whitelist(id)).toEqual(['BTC/USDT', 'SOL/USDT']);
    const after = await client(id);
    expect((await after.get<Array<{ trade_id: number }>>('status')).map((t) => t.trade_id)).toContain(eth.trade_id);
    // The platform enters only the bot's pairs now; the open ETH trade is still the bot's to exit.
    const refused = await alice.agent.post(`/api/bots/${id}/forceenter`).set('Origin', ORIGIN).send({ pair: 'ETH/USDT' });
    expect(refused.status).toBe(400);
    const exit = await alice.agent.post(`/api/bots/${id}/forceexit`).set('Origin', ORIGIN).send({ tradeId: eth.trade_id });
    expect(exit.status, JSON.stringify(exit.body)).toBe(200);
    expect(exit.body.exit).toMatchObject({ closed: true });
  }, 400_000);

  it('a dedicated bot trades the new list through its rewritten config, and a stopped one takes it at its next start', async () => {
    const id = await runningBot('Dedicated pairs', ['BTC/USDT'], 'dedicated');
    const changed = await putPairs(alice.agent, id, { pairs: ['BTC/USDT', 'XRP/USDT'] });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.pairs).toMatchObject({ applied: true, pairs: ['BTC/USDT', 'XRP/USDT'] });
    expect(await whitelist(id)).toEqual(['BTC/USDT', 'XRP/USDT']);

    expect((await alice.agent.post(`/api/bots/${id}/stop`).set('Origin', ORIGIN)).body.bot.status).toBe('stopped');
    const stopped = await putPairs(alice.agent, id, { pairs: ['ADA/USDT'] });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    expect(stopped.body.pairs).toMatchObject({ status: 'stopped', applied: false, pairs: ['ADA/USDT'] });
    expect((await alice.agent.post(`/api/bots/${id}/start`).set('Origin', ORIGIN)).body.bot.status).toBe('running');
    await waitFor('the started bot on its new list', async () => (await whitelist(id).catch(() => [])).join() === 'ADA/USDT', 60_000);
    expect((await putPairs(bob.agent, id, { pairs: ['SOL/USDT'] })).status).toBe(404);
    expect(await rowPairs(id)).toEqual(['ADA/USDT']);
  }, 400_000);

  it("a FreqTrade bot reloads its rewritten config.json (FreqTrade's reload_config) and stays paused when it was", async () => {
    const id = await runningBot('FreqTrade pairs', ['BTC/USDT'], 'dedicated', 'freqtrade');
    const paused = await alice.agent.post(`/api/bots/${id}/pause-entries`).set('Origin', ORIGIN);
    expect(paused.body.pairlists?.state, JSON.stringify(paused.body)).toBe('paused');
    const changed = await putPairs(alice.agent, id, { pairs: ['BTC/USDT', 'ETH/USDT'] });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.pairs).toMatchObject({ status: 'running', applied: true, pairs: ['BTC/USDT', 'ETH/USDT'] });
    expect(await whitelist(id)).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect((await (await client(id)).showConfig()).state).toBe('paused');
  }, 400_000);
});
