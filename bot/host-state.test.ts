// Bots keep their state across host restarts and moves: trades, wallet, trader state and locks come back from <botId>.json.
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { BotStateStore, stateFileName } from './bot-state-store.js';
import * as schema from './freqtrade-api-schemas.js';
import { startBotHost, type BotHost, type BotHostOptions } from './host.js';
import { createLogger } from './log.js';
import { alignedStart, api, crossStrategy, MINUTE, startFlatExchange, TestClock, tradingBot } from './trading-test-support.js';

const clock = new TestClock(alignedStart());
let ex: PaperExchangeHandle;
let dirA: string;
let dirB: string;
let bot: HostedBotConfig;
const lines: string[] = [];
const hosts: BotHost[] = [];

const never = { left: { price: 'close' as const }, op: '<' as const, right: { value: 1 } };
const options = (stateDir: string): BotHostOptions => ({
  processIntervalMs: 0, clock: clock.read, tickerMaxAgeMs: 0, stateDir, log: (l) => lines.push(l),
});
async function start(stateDir: string, config = bot): Promise<BotHost> {
  const host = await startBotHost({ bots: [config] }, options(stateDir));
  hosts.push(host);
  return host;
}

const stopLast = async () => hosts.pop()?.close();

/** Everything a user sees of the bot's trading state through FreqTrade's API. */
async function view(b: HostedBotConfig) {
  const get = async (path: string) => (await api.get(b, path)).body;
  return {
    state: schema.ShowConfig.parse(await get('/show_config')).state,
    status: await get('/status'),
    trades: await get('/trades'),
    balance: await get('/balance'),
    profit: await get('/profit'),
    count: await get('/count'),
    locks: await get('/locks'),
  };
}

beforeAll(async () => {
  ex = await startFlatExchange(clock);
  dirA = await mkdtemp(join(tmpdir(), 'tf-state-a-'));
  dirB = await mkdtemp(join(tmpdir(), 'tf-state-b-'));
  bot = await tradingBot('keeper', ex, { pairs: ['BTC/USDT', 'ETH/USDT'], strategy: crossStrategy({ entry: never, maxOpenTrades: 2 }) });
});
afterAll(async () => {
  for (const h of hosts) await h.close();
  await ex?.close();
  await rm(dirA, { recursive: true, force: true });
  await rm(dirB, { recursive: true, force: true });
});

// An ordered story: one bot's state saved, restarted and moved between hosts; its steps keep their order in a shuffled run (files still shuffle).
describe('saved bot state', { shuffle: false }, () => {
  let before: Awaited<ReturnType<typeof view>>;

  it('saves a change within about a second, atomically, readable only by the bot user and without secrets', async () => {
    const host = await start(dirA);
    // One closed trade (with its pair lock), one open, and the bot paused: everything a restart must keep.
    await api.post(bot, '/forceenter', { pair: 'BTC/USDT' });
    clock.advance(MINUTE);
    ex.setPrice('BTC/USDT', 103);
    await api.post(bot, '/forceexit', { tradeid: '1' });
    ex.setPrice('ETH/USDT', 99);
    await api.post(bot, '/forceenter', { pair: 'ETH/USDT' });
    await api.post(bot, '/stopentry');
    await host.runOnce();
    before = await view(bot);
    expect(before.state).toBe('paused');
    expect(before.status).toHaveLength(1);
    expect((before.trades as { total_trades: number }).total_trades).toBe(1); // /trades lists closed trades, like FreqTrade's
    expect((before.locks as { lock_count: number }).lock_count).toBe(1);

    const file = join(dirA, stateFileName(bot.botId));
    const started = Date.now();
    let text = '';
    while (Date.now() - started < 3_000 && !text.includes('"paused"')) {
      text = await readFile(file, 'utf8').catch(() => '');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(Date.now() - started).toBeLessThan(1_600);
    expect(JSON.parse(text)).toMatchObject({ format: 'tradefleet-bot-state', version: 1, botId: bot.botId, state: 'paused', lastTradeId: 2 });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    for (const secret of [bot.api.password, bot.api.jwtSecret, bot.api.username]) expect(text).not.toContain(secret);
    // Only the state file: temp files are renamed into place, never left behind.
    expect(await readdir(dirA)).toEqual([stateFileName(bot.botId)]);
  });

  it('comes back identical after a host restart: trades, wallet, paused state, locks; new trades continue the ids', async () => {
    await stopLast();
    await start(dirA);
    expect(await view(bot)).toEqual(before);
    const logs = ((await api.get(bot, '/logs')).body as { logs: string[][] }).logs.map((l) => l[4]);
    expect(logs).toContain('Restored 2 trades (1 open) from the saved state.');
    await stopLast();
  });

  it('moves to another host by copying its file: the new host continues with its open trade and wallet', async () => {
    await copyFile(join(dirA, stateFileName(bot.botId)), join(dirB, stateFileName(bot.botId)));
    await start(dirB);
    expect(await view(bot)).toEqual(before);
    await api.post(bot, '/start');
    const entered = await api.post(bot, '/forceenter', { pair: 'BTC/USDT' });
    expect(entered.body).toMatchObject({ trade_id: 3, pair: 'BTC/USDT' });
    expect(schema.Status.parse((await api.get(bot, '/status')).body).map((t) => t.trade_id)).toEqual([2, 3]);
    await stopLast();
  });

  it('sets a damaged file aside, logs it without its content, and starts the bot fresh', async () => {
    const file = join(dirA, stateFileName(bot.botId));
    const damaged = (await readFile(file, 'utf8')).slice(0, 300);
    await writeFile(file, damaged, { mode: 0o600 });
    lines.length = 0;
    await start(dirA);
    const fresh = await view(bot);
    expect(fresh).toMatchObject({ state: 'running', status: [], count: { current: 0 } });
    expect((fresh.trades as { total_trades: number }).total_trades).toBe(0);
    const warn = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'saved state is damaged; starting the bot fresh');
    expect(warn).toMatchObject({ botId: bot.botId, error: 'not valid JSON (truncated or damaged)' });
    expect(lines.join('')).not.toContain(damaged.slice(50, 120));
    const aside = (await readdir(dirA)).filter((f) => f.startsWith(`${stateFileName(bot.botId)}.corrupt-`));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dirA, aside[0] ?? ''), 'utf8')).toBe(damaged);
    await stopLast();
    // The fresh bot's own state replaced it.
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ botId: bot.botId, trades: [] });
  });

  it('refuses a file of another bot or of a live bot for a dry-run one, and one whose dates are not dates', async () => {
    const logger = createLogger(() => undefined);
    const store = new BotStateStore({ dir: dirB, logger, snapshotOf: () => undefined });
    const text = await readFile(join(dirB, stateFileName(bot.botId)), 'utf8');
    expect((await store.load(bot.botId, true, logger))?.trades).toHaveLength(3);
    expect(await store.load(bot.botId, false, logger)).toBeUndefined();
    expect((await readdir(dirB)).some((f) => f.startsWith(`${stateFileName(bot.botId)}.dry-run-`))).toBe(true);

    const other = 'bot-other';
    await writeFile(join(dirB, stateFileName(other)), text);
    expect(await store.load(other, true, logger)).toBeUndefined();
    const badDate = JSON.parse(text) as { trades: { openDate: string }[] };
    badDate.trades[0]!.openDate = 'yesterday';
    await writeFile(join(dirB, stateFileName(bot.botId)), JSON.stringify(badDate));
    expect(await store.load(bot.botId, true, logger)).toBeUndefined();
    expect((await readdir(dirB)).filter((f) => f.includes('.corrupt-'))).toHaveLength(2);
  });
});
