// A pooled FreqTrade bot's state on the real dockerd: moved from one FreqTrade pool container to another, as a drain
// will move it (taken out of the first container's list, FreqTrade stops cleanly, its directory carried whole: config,
// strategy, trade database; listed in the second), and through a SIGKILL of its pool container's parent (Docker
// restarts the container, the parent starts its bots again). Its open trade continues: same id, same open rate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  exchange = await startPaperExchange({ port: 0, seed: `ftpool-move-${botId}`, tickMs: 0 });
  from = await startPoolHarness({ paperUrl: exchange.url, memoryMb: 1024, label: 'freqtrade-pool-move' });
  to = await startPoolHarness({ paperUrl: exchange.url, memoryMb: 1024, label: 'freqtrade-pool-move' });
}, 120_000);

afterAll(async () => {
  await from?.close();
  await to?.close();
  await exchange?.close();
});

describe('a pooled FreqTrade bot with an open trade', { shuffle: false }, () => {
  let open: OpenTrade;

  it('moves to another pool container: same trade, still open', async () => {
    await from.add([{ botId, name: 'mover', apiPort: 20400, pairs: ['BTC/USDT', 'ETH/USDT'], strategyClass: dip.className, strategy: dip.source }]);
    const before = from.client(botId);
    await waitFor('the bot answering', () => before.ping().catch(() => false), 240_000);
    await before.post('forceenter', { pair: 'ETH/USDT' });
    open = await waitFor('an open trade', async () => (await before.get<OpenTrade[]>('status'))[0], 90_000);

    const moved = await from.release(botId);
    expect(await before.ping().catch(() => false)).toBe(false);
    await to.adopt(moved);

    const after = to.client(botId);
    const trade = await waitFor('the trade in the new container', async () => (await after.get<OpenTrade[]>('status').catch(() => []))[0], 240_000);
    expect({ id: trade.trade_id, pair: trade.pair, rate: trade.open_rate, open: trade.is_open }).toEqual({ id: open.trade_id, pair: 'ETH/USDT', rate: open.open_rate, open: true });
    expect((await after.showConfig()).bot_name).toBe('mover');
    const listed = await waitFor('the new container listing it as running', async () => {
      const s = (await to.status())?.bots[botId];
      return s?.state === 'running' ? s : null;
    }, 60_000);
    expect(listed.restarts).toBe(0);
  }, 600_000);

  it('comes back with its trade when its pool container is SIGKILLed', async () => {
    const id = (await to.host.containerId(to.key))!;
    const container = to.docker.getContainer(id);
    const before = await container.inspect();
    process.kill(before.State.Pid, 'SIGKILL');
    await waitFor('the container restarted by Docker', async () => {
      const info = await container.inspect();
      return info.State.Running && info.State.Pid !== before.State.Pid;
    }, 60_000);
    const client = to.client(botId);
    const trade = await waitFor('the trade after the restart', async () => (await client.get<OpenTrade[]>('status').catch(() => []))[0], 240_000);
    expect({ id: trade.trade_id, rate: trade.open_rate, open: trade.is_open }).toEqual({ id: open.trade_id, rate: open.open_rate, open: true });
  }, 320_000);
});
