// The FreqTrade REST contract of a hosted bot: schemas, bot control, errors and routing, over real HTTP.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import * as schema from './freqtrade-api-schemas.js';
import { startBotHost, type BotHost } from './host.js';
import { basic, botConfig, call, freePort } from './test-support.js';

let host: BotHost;
let a: HostedBotConfig;
let b: HostedBotConfig;

const get = (bot: HostedBotConfig, path: string) => call(bot.apiPort, `/api/v1${path}`, { authorization: basic(bot.api.username, bot.api.password) });
const post = (bot: HostedBotConfig, path: string, body?: unknown) =>
  call(bot.apiPort, `/api/v1${path}`, {
    method: 'POST',
    authorization: basic(bot.api.username, bot.api.password),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const state = async (bot: HostedBotConfig) => schema.ShowConfig.parse((await get(bot, '/show_config')).body).state;

beforeAll(async () => {
  a = botConfig('alpha', await freePort(), { pairs: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], stakeAmount: 50 });
  b = botConfig('beta', await freePort(), { pairs: ['BTC/EUR'], stakeAmount: 25, stakeCurrency: 'EUR' });
  host = await startBotHost({ listenHost: '127.0.0.1', bots: [a, b] }, { log: () => {}, processIntervalMs: 50 });
});
afterAll(() => host.close());

describe('FreqTrade schemas', () => {
  it('show_config has every ShowConfig field with values from the bot config', async () => {
    const res = await get(a, '/show_config');
    expect(res.status).toBe(200);
    const cfg = schema.ShowConfig.parse(res.body);
    expect(cfg).toMatchObject({
      state: 'running',
      dry_run: true,
      runmode: 'dry_run',
      stake_currency: 'USDT',
      stake_amount: '50',
      exchange: 'paper',
      bot_name: 'alpha',
      max_open_trades: 3,
      trading_mode: 'spot',
      timeframe: '5m',
      timeframe_ms: 300_000,
      timeframe_min: 5,
      stake_currency_decimals: 3,
    });
    expect(cfg.api_version).toBeGreaterThanOrEqual(2.5);
    expect(cfg.version).toMatch(/^2026\.9-/);
    expect(cfg.strategy).toBeTruthy();
  });

  it('balance is the dry-run wallet: stake amount times max open trades, all in the stake currency', async () => {
    const bal = schema.Balances.parse((await get(a, '/balance')).body);
    expect(bal).toMatchObject({ total: 150, total_bot: 150, starting_capital: 150, stake: 'USDT', note: 'Simulated balances' });
    expect(bal.currencies).toEqual([
      expect.objectContaining({ currency: 'USDT', free: 150, balance: 150, used: 0, is_bot_managed: true, is_position: false }),
    ]);
    const balB = schema.Balances.parse((await get(b, '/balance')).body);
    expect(balB).toMatchObject({ total: 25, stake: 'EUR' });
  });

  it('profit is computed from the empty ledger: zeros, FreqTrade\'s null profit factor, the bot start time', async () => {
    const p = schema.Profit.parse((await get(a, '/profit')).body);
    expect(p).toMatchObject({ trade_count: 0, closed_trade_count: 0, profit_all_coin: 0, profit_closed_coin: 0, winrate: 0 });
    expect(p.profit_factor).toBeNull();
    expect(p.avg_duration).toBe('0:00:00');
    expect(p.bot_start_timestamp).toBeGreaterThan(Date.now() - 60_000);
    expect(p.bot_start_date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('status lists no open trades, count reports slots, health shows the trading loop ticking', async () => {
    expect(schema.Status.parse((await get(a, '/status')).body)).toEqual([]);
    expect(schema.Count.parse((await get(a, '/count')).body)).toEqual({ current: 0, max: 3, total_stake: 0 });
    await new Promise((r) => setTimeout(r, 120));
    const h = schema.Health.parse((await get(a, '/health')).body);
    expect(h.last_process_ts).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 2);
    expect(h.bot_start).toMatch(/Z$/);
    expect(schema.Version.parse((await get(a, '/version')).body).version).toMatch(/^2026\.9-/);
  });

  it('serves the other read routes in FreqTrade\'s shapes', async () => {
    expect((await get(a, '/trades')).body).toEqual({ trades: [], trades_count: 0, offset: 0, total_trades: 0 });
    expect((await get(a, '/whitelist')).body).toEqual({ whitelist: a.pairs, length: 3, method: ['StaticPairList'] });
    expect((await get(a, '/locks')).body).toEqual({ lock_count: 0, locks: [] });
    expect((await get(a, '/performance')).body).toEqual([]);
    const daily = (await get(a, '/daily?timescale=3')).body as { data: { date: string; starting_balance: number }[] };
    expect(daily.data.map((d) => d.date)[0]).toBe(new Date().toISOString().slice(0, 10));
    expect(daily.data).toHaveLength(3);
    const logs = (await get(a, '/logs')).body as { log_count: number; logs: unknown[][] };
    expect(logs.logs[0]).toEqual([expect.any(String), expect.any(Number), expect.any(String), 'INFO', 'Changing state to: RUNNING']);
    const profitAll = (await get(a, '/profit_all')).body as Record<string, unknown>;
    expect(schema.Profit.parse(profitAll['all'])).toBeTruthy();
  });
});

describe('bot control', () => {
  it('stop and start change the state shown by show_config, with FreqTrade\'s messages', async () => {
    expect(await state(a)).toBe('running');
    expect((await post(a, '/stop')).body).toEqual({ status: 'stopping trader ...' });
    expect(await state(a)).toBe('stopped');
    expect((await post(a, '/stop')).body).toEqual({ status: 'already stopped' });
    expect(await state(b)).toBe('running');
    expect((await post(a, '/start')).body).toEqual({ status: 'starting trader ...' });
    expect(await state(a)).toBe('running');
    expect((await post(a, '/start')).body).toEqual({ status: 'already running' });
  });

  it('stopbuy and stopentry pause entries until the next start', async () => {
    const res = await post(a, '/stopbuy');
    expect(schema.StatusMsg.parse(res.body).status).toBe('paused, no more entries will occur from now. Run /start to enable entries.');
    expect(await state(a)).toBe('paused');
    expect((await post(a, '/stopentry')).status).toBe(200);
    expect(await state(a)).toBe('paused');
    await post(a, '/start');
    expect(await state(a)).toBe('running');
  });

  it('reports bot errors as {"error"} with 502, like FreqTrade\'s RPCException', async () => {
    await post(a, '/stop');
    const res = await get(a, '/count');
    expect(res).toEqual(expect.objectContaining({ status: 502, body: { error: 'Error querying /api/v1/count: trader is not running' } }));
    await post(a, '/start');
    const entry = await post(a, '/forceenter', { pair: 'BTC/USDT' });
    expect(entry).toMatchObject({ status: 502, body: { error: 'Error querying /api/v1/forceenter: Force_entry not enabled.' } });
    const exit = await post(a, '/forceexit', { tradeid: '7' });
    expect(exit).toMatchObject({ status: 502, body: { error: 'Error querying /api/v1/forceexit: invalid argument' } });
  });
});

describe('routing and validation', () => {
  it('answers unknown routes like FastAPI: 404 for GET, 405 with Allow for other methods', async () => {
    expect(await get(a, '/no_such_route')).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
    expect(await call(a.apiPort, '/api/v1/no_such_route')).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
    expect(await get(a, '/start')).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
    const wrongMethod = await post(a, '/show_config');
    expect(wrongMethod).toMatchObject({ status: 405, body: { detail: 'Method Not Allowed' } });
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect((await call(a.apiPort, '/api/v1/stop', { method: 'DELETE' })).headers.get('allow')).toBe('POST');
  });

  it('validates query parameters and bodies with FastAPI\'s 422 detail list', async () => {
    const bad = await get(a, '/daily?timescale=abc');
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({ detail: [expect.objectContaining({ type: 'int_parsing', loc: ['query', 'timescale'] })] });
    expect((await get(a, '/daily?timescale=0')).status).toBe(422);
    const missing = await post(a, '/forceenter', {});
    expect(missing.body).toEqual({ detail: [expect.objectContaining({ type: 'missing', loc: ['body', 'pair'] })] });
    expect(await get(a, '/trade/12')).toMatchObject({ status: 404, body: { detail: 'Trade not found.' } });
  });

  it('refuses a config that would leak or collide, without echoing secrets', async () => {
    const dup = botConfig('dup', a.apiPort);
    await expect(startBotHost({ listenHost: '127.0.0.1', bots: [dup] }, { log: () => {} })).rejects.toThrow(/cannot listen/);
    const weak = botConfig('weak', await freePort(), { api: { username: 'u', password: 'short-secret', jwtSecret: 'j'.repeat(40) } });
    const err = await startBotHost({ listenHost: '127.0.0.1', bots: [weak] }, { log: () => {} }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/bots\.0\.api\.password/);
    expect((err as Error).message).not.toContain('short-secret');
  });
});

describe('stopping a bot', () => {
  const opens = (port: number) => new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

  it('refuses new requests with 503 but keeps its port until the requests it is handling are answered', async () => {
    const c = botConfig('gamma', await freePort());
    const solo = await startBotHost({ listenHost: '127.0.0.1', bots: [c] }, { log: () => {}, processIntervalMs: 0 });
    try {
      // A request in flight: headers sent, body not finished.
      const body = JSON.stringify({ pair: 'BTC/USDT' });
      const socket: Socket = connect({ host: '127.0.0.1', port: c.apiPort });
      await new Promise((r) => socket.once('connect', r));
      const reply = new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (d) => (text += d.toString()));
        socket.on('close', () => resolve(text));
      });
      socket.write(`POST /api/v1/forceenter HTTP/1.1\r\nhost: x\r\nauthorization: ${basic(c.api.username, c.api.password)}\r\n`
        + `content-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body.slice(0, 5)}`);
      await new Promise((r) => setTimeout(r, 100));

      let applied = false;
      const emptied = solo.apply({ listenHost: '127.0.0.1', bots: [] }).then((r) => ((applied = true), r));
      let refused: Awaited<ReturnType<typeof call>> | null = null;
      for (let i = 0; i < 100 && refused?.status !== 503; i++) refused = await call(c.apiPort, '/api/v1/ping');
      expect(refused).toMatchObject({ status: 503, body: { detail: 'The bot is stopping' } });
      expect(await opens(c.apiPort)).toBe(true);
      expect(applied).toBe(false);

      socket.end(body.slice(5));
      expect(await reply).toMatch(/^HTTP\/1\.1 (200|400|502)/);
      expect(await emptied).toMatchObject({ removed: [c.botId] });
      expect(await opens(c.apiPort)).toBe(false);
    } finally {
      await solo.close();
    }
  });
});
