// A pooled FreqTrade bot moved from one FreqTrade pool container to another on the real dockerd, as a drain will move
// it: taken out of the first container's list (FreqTrade stops cleanly), its directory carried whole (config, strategy,
// trade database), listed in the second. Its open trade continues there: same trade id, same open rate, still open.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BUNDLED_FREQTRADE_STRATEGIES } from '../domain/bundled-freqtrade-strategies.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { startPoolHarness, type PoolHarness } from './freqtrade-pool-harness.js';
import { waitFor } from './platform.js';

interface OpenTrade {
  trade_id: number;
  pair: string;
  open_rate: number;
  is_open: boolean;
}

const dip = BUNDLED_FREQTRADE_STRATEGIES[0]!;
const botId = `mover-${Math.random().toString(36).slice(2, 8)}`;
let exchange: PaperExchangeHandle;
let from: PoolHarness;
let to: PoolHarness;

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: `ftpool-move-${botId}` });
  from = await startPoolHarness({ paperUrl: exchange.url, memoryMb: 1024, label: 'freqtrade-pool-move' });
  to = await startPoolHarness({ paperUrl: exchange.url, memoryMb: 1024, label: 'freqtrade-pool-move' });
}, 120_000);

afterAll(async () => {
  await from?.close();
  await to?.close();
  await exchange?.close();
});

it('carries a bot with an open trade to another pool container: same trade, still open', async () => {
  await from.add([{ botId, name: 'mover', apiPort: 20400, pairs: ['BTC/USDT', 'ETH/USDT'], strategyClass: dip.className, strategy: dip.source }]);
  const before = from.client(botId);
  await waitFor('the bot answering', () => before.ping().catch(() => false), 240_000);
  await before.post('forceenter', { pair: 'ETH/USDT' });
  const open = await waitFor('an open trade', async () => (await before.get<OpenTrade[]>('status'))[0], 90_000);

  const moved = await from.release(botId);
  expect(await before.ping().catch(() => false)).toBe(false);
  await to.adopt(moved);

  const after = to.client(botId);
  const trade = await waitFor('the trade in the new container', async () => (await after.get<OpenTrade[]>('status').catch(() => []))[0], 240_000);
  expect({ id: trade.trade_id, pair: trade.pair, rate: trade.open_rate, open: trade.is_open }).toEqual({ id: open.trade_id, pair: 'ETH/USDT', rate: open.open_rate, open: true });
  expect((await after.showConfig()).bot_name).toBe('mover');
  expect((await to.status())!.bots[botId]!.restarts).toBe(0);
}, 600_000);
