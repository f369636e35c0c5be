// A pool host whose bots change while it runs: apply() adds, removes and restarts bots; the others keep serving and trading.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import * as schema from './freqtrade-api-schemas.js';
import { createBotHost, type BotHost } from './host.js';
import { call, freePort } from './test-support.js';
import { alignedStart, api, crossStrategy, startFlatExchange, TestClock, tradingBot } from './trading-test-support.js';

const clock = new TestClock(alignedStart());
const lines: string[] = [];
let ex: PaperExchangeHandle;
let host: BotHost;
let a: HostedBotConfig;
let b: HostedBotConfig;
let c: HostedBotConfig;

/** Whether anything accepts a connection on the port (a stopped bot's API must refuse it). */
const answers = (port: number) => call(port, '/api/v1/ping').then((r) => r.status === 200, () => false);
/** Whether the port can be listened on again: the stopped bot freed it. */
const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
const status = async (bot: HostedBotConfig) => schema.Status.parse((await api.get(bot, '/status')).body);
/**
 * A restart closes the bot's keep-alive connections; this process's fetch would otherwise reuse one before reading its
 * end (a client elsewhere sees it the same way: one request may meet a restarting server and need a retry).
 */
const clientSeesClosedSockets = () => new Promise((resolve) => setImmediate(resolve));
const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

// Its entry rule never fires: the tests open trades with /forceenter.
const never = { left: { price: 'close' as const }, op: '<' as const, right: { value: 1 } };

beforeAll(async () => {
  ex = await startFlatExchange(clock);
  a = await tradingBot('pool-a', ex, { pairs: ['BTC/USDT'], strategy: crossStrategy({ entry: never }) });
  b = await tradingBot('pool-b', ex, { pairs: ['ETH/USDT'], strategy: crossStrategy({ entry: never }) });
  c = await tradingBot('pool-c', ex, { pairs: ['SOL/USDT'], strategy: crossStrategy({ entry: never }) });
  host = createBotHost({ processIntervalMs: 0, clock: clock.read, tickerMaxAgeMs: 0, log: (l) => lines.push(l) });
});
afterAll(async () => {
  await host?.close();
  await ex?.close();
});

// An ordered story: one pool host whose bot list each step changes; its steps keep their order in a shuffled run (files still shuffle).
describe('apply', { shuffle: false }, () => {
  it('starts with no bots and adds the bots of a config: both answer on their ports', async () => {
    expect(await host.apply({ bots: [] })).toEqual({ added: [], removed: [], restarted: [], failed: [] });
    expect(host.bots.size).toBe(0);
    const r = await host.apply({ bots: [a, b] });
    expect(r.added.sort()).toEqual([a.botId, b.botId].sort());
    expect(await answers(a.apiPort)).toBe(true);
    expect(await answers(b.apiPort)).toBe(true);
    expect(logged().filter((l) => l['msg'] === 'bot added').map((l) => l['botId']).sort()).toEqual([a.botId, b.botId].sort());
  });

  it('removes a bot no longer listed and adds a new one; the bot that stays keeps its trade and its server', async () => {
    expect((await api.post(a, '/forceenter', { pair: 'BTC/USDT' })).status).toBe(200);
    const [before] = await status(a);
    const aRuntime = host.bots.get(a.botId);
    const bRuntime = host.bots.get(b.botId);
    // b is mid-iteration when it is removed: it finishes that iteration first.
    const iteration = host.runOnce();
    const r = await host.apply({ bots: [a, c] });
    expect(r).toEqual({ added: [c.botId], removed: [b.botId], restarted: [], failed: [] });
    expect(bRuntime?.lastProcess).not.toBeNull();
    await iteration;

    expect(await answers(b.apiPort)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${b.apiPort}/api/v1/ping`)).rejects.toThrow();
    expect(await portFree(b.apiPort)).toBe(true);
    expect(await answers(c.apiPort)).toBe(true);
    expect(host.bots.get(a.botId)).toBe(aRuntime);
    const keep = ['trade_id', 'pair', 'amount', 'open_rate', 'open_timestamp', 'stake_amount', 'is_open'] as const;
    const [after] = await status(a);
    for (const k of keep) expect(after?.[k]).toEqual(before?.[k]);
    expect(logged().find((l) => l['msg'] === 'bot removed')).toMatchObject({ botId: b.botId, port: b.apiPort });
  });

  it('restarts a bot whose config changed with the new config, keeping its open trade', async () => {
    const [trade] = await status(a);
    a = { ...a, stakeAmount: 40 };
    const r = await host.apply({ bots: [a, c] });
    expect(r).toEqual({ added: [], removed: [], restarted: [a.botId], failed: [] });
    await clientSeesClosedSockets();
    expect(schema.ShowConfig.parse((await api.get(a, '/show_config')).body).stake_amount).toBe('40');
    expect(await status(a)).toEqual([expect.objectContaining({ trade_id: trade?.trade_id, open_rate: trade?.open_rate, amount: trade?.amount })]);
    // The restarted bot trades on: it exits the restored trade, and its next trade gets the next id.
    expect((await api.post(a, '/forceexit', { tradeid: String(trade?.trade_id) })).status).toBe(200);
    expect((await api.post(a, '/forceenter', { pair: 'BTC/USDT' })).body).toMatchObject({ trade_id: (trade?.trade_id ?? 0) + 1 });
  });

  it('leaves an unchanged config alone, and lets two bots swap ports in one apply', async () => {
    const cRuntime = host.bots.get(c.botId);
    expect(await host.apply({ bots: [c, a] })).toEqual({ added: [], removed: [], restarted: [], failed: [] });
    expect(host.bots.get(c.botId)).toBe(cRuntime);

    [a, c] = [{ ...a, apiPort: c.apiPort }, { ...c, apiPort: a.apiPort }];
    const r = await host.apply({ bots: [a, c] });
    expect(r.restarted.sort()).toEqual([a.botId, c.botId].sort());
    await clientSeesClosedSockets();
    expect(schema.ShowConfig.parse((await api.get(a, '/show_config')).body).bot_name).toBe('pool-a');
    expect(schema.ShowConfig.parse((await api.get(c, '/show_config')).body).bot_name).toBe('pool-c');
  });

  it('refuses an invalid config as a whole and keeps the bots it runs, without echoing a secret', async () => {
    const runtimes = new Map(host.bots);
    const weak = { ...b, api: { ...b.api, password: 'leaky-password' } };
    await expect(host.apply({ bots: [a, c, weak] })).rejects.toThrow(/bots\.2\.api\.password/);
    await expect(host.apply({ bots: [a, { ...b, apiPort: a.apiPort }] })).rejects.toThrow(/apiPort values must be unique/);
    await expect(host.apply({ bots: [a, { ...b, botId: a.botId }] })).rejects.toThrow(/botId values must be unique/);
    await expect(host.apply({ bots: 'none' } as never)).rejects.toThrow(/invalid bot host config/);
    expect(host.bots.size).toBe(runtimes.size);
    for (const [id, bot] of runtimes) expect(host.bots.get(id)).toBe(bot);
    expect(await answers(a.apiPort)).toBe(true);
    expect(await answers(c.apiPort)).toBe(true);
    expect(await answers(b.apiPort)).toBe(false);
  });

  it('reports a bot whose port is taken as failed, runs the others, and starts it when applied again', async () => {
    const d = await tradingBot('pool-d', ex, { pairs: ['BNB/USDT'] });
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(d.apiPort, '127.0.0.1', resolve));
    const r = await host.apply({ bots: [a, c, d] });
    expect(r.failed).toEqual([{ botId: d.botId, error: expect.stringContaining('cannot listen') }]);
    expect(host.bots.has(d.botId)).toBe(false);
    expect(await answers(a.apiPort)).toBe(true);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    expect(await host.apply({ bots: [a, c, d] })).toMatchObject({ added: [d.botId], failed: [] });
    expect(await answers(d.apiPort)).toBe(true);
    await host.apply({ bots: [a, c] });
  });

  it('empties the pool: every port closes, and nothing secret was ever logged', async () => {
    const r = await host.apply({ bots: [] });
    expect(r.removed.sort()).toEqual([a.botId, c.botId].sort());
    expect(host.bots.size).toBe(0);
    for (const port of [a.apiPort, b.apiPort, c.apiPort]) expect(await answers(port)).toBe(false);
    const all = lines.join('');
    for (const bot of [a, b, c]) for (const secret of [bot.api.password, bot.api.jwtSecret]) expect(all).not.toContain(secret);
    expect(all).not.toContain('leaky-password');
  });

  it('refuses to apply once closing', async () => {
    const other = createBotHost({ processIntervalMs: 0, log: () => {} });
    await other.close();
    await expect(other.apply({ bots: [{ ...a, apiPort: await freePort() }] })).rejects.toThrow(/closing/);
  });
});
