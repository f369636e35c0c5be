// A live bot restarted while an order's outcome is unknown: the saved state keeps the pending order, and the restored bot
// looks it up by its client order id and books the fill instead of forgetting the trade or selling a second time.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { binanceClient, type Binance } from '../exchange/test-support.js';
import { stateFileName } from './bot-state-store.js';
import * as schema from './freqtrade-api-schemas.js';
import { startBotHost, type BotHost } from './host.js';
import { alignedStart, api, crossStrategy, startFlatExchange, TestClock, tradingBot } from './trading-test-support.js';

const clock = new TestClock(alignedStart());
let ex: PaperExchangeHandle;
let dir: string;
let bot: HostedBotConfig;
let client: Binance;
const hosts: BotHost[] = [];

const start = async () => {
  const host = await startBotHost({ bots: [bot] }, { processIntervalMs: 0, clock: clock.read, tickerMaxAgeMs: 0, retryBaseMs: 20, stateDir: dir, log: () => {} });
  hosts.push(host);
  return host;
};
const sells = async () => (await client.fetchOrders('BTC/USDT')).filter((o) => o.side === 'sell').map((o) => o.clientOrderId);

beforeAll(async () => {
  ex = await startFlatExchange(clock);
  dir = await mkdtemp(join(tmpdir(), 'tf-live-restore-'));
  const account = ex.createAccount({ balances: { USDT: '1000' } });
  client = binanceClient(ex, account);
  client.milliseconds = clock.read;
  const never = { left: { price: 'close' as const }, op: '<' as const, right: { value: 1 } };
  bot = await tradingBot('live-restore', ex, {
    dryRun: false, credentials: { apiKey: account.apiKey, secret: account.secret }, strategy: crossStrategy({ entry: never }),
  });
});
afterAll(async () => {
  for (const h of hosts) await h.close();
  await ex?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a live bot restored from its saved state', () => {
  it('looks up an exit whose outcome was unknown when the host stopped, and closes the trade with exactly one sell', async () => {
    const first = await start();
    expect((await api.post(bot, '/forceenter', { pair: 'BTC/USDT' })).status).toBe(200);
    // The exchange executes the sell but its reply is lost, and the look-ups fail too: the outcome stays unknown.
    ex.injectFault({ kind: 'error', when: 'after', path: 'order', method: 'POST', status: 503 });
    ex.injectFault({ kind: 'error', path: 'order', method: 'GET', status: 503, count: 3 });
    const exit = await api.post(bot, '/forceexit', { tradeid: '1' });
    expect(exit.body).toEqual({ error: 'Error querying /api/v1/forceexit: Failed to exit trade.' });
    const [sellId] = await sells();
    expect(sellId).toBeTruthy();
    expect(schema.Status.parse((await api.get(bot, '/status')).body)).toHaveLength(1);

    await first.close();
    const saved = JSON.parse(await readFile(join(dir, stateFileName(bot.botId)), 'utf8')) as { pendingOrders: unknown[] };
    expect(saved.pendingOrders).toEqual([expect.objectContaining({ tradeId: 1, kind: 'exit', request: expect.objectContaining({ clientOrderId: sellId }) })]);

    const second = await start();
    await second.runOnce();
    expect(schema.Status.parse((await api.get(bot, '/status')).body)).toEqual([]);
    const trades = (await api.get(bot, '/trades')).body as { trades: Record<string, unknown>[] };
    expect(trades.trades).toEqual([expect.objectContaining({ trade_id: 1, is_open: false, exit_reason: 'force_exit' })]);
    expect(await sells()).toEqual([sellId]);
  });
});
