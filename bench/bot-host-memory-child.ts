// Child of bench/bot-host-memory.ts, bundled like the bot-host image: one host with N dry-run bots trading on the paper
// exchange (half of them holding an open trade, all saving state), then its memory as one JSON line on stdout.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import { createBotHost } from '../bot/host.js';

const [count = '1', profileJson = '{}', stateDir = '', runMs = '20000'] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const PAIRS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT'];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function memory() {
  gc();
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, rss: m.rss, rssAnon: kb('RssAnon') };
}

const baseline = memory();
const host = createBotHost({ stateDir: stateDir || undefined, processIntervalMs: 2_000, log: () => undefined });
const bots: HostedBotConfig[] = [];
for (let i = 0; i < Number(count); i++) {
  const secret = `${i}`.padStart(32, 'x');
  bots.push({
    botId: `bench-${i}`, name: `bench-${i}`, exchange: 'paper', pairs: [PAIRS[i % 4]!, PAIRS[(i + 1) % 4]!], stakeAmount: 50,
    stakeCurrency: 'USDT', dryRun: true, apiPort: await freePort(), api: { username: `u${i}`, password: secret, jwtSecret: secret },
    exchangeProfile: JSON.parse(profileJson) as HostedBotConfig['exchangeProfile'],
  });
}
const result = await host.apply({ bots });
if (result.failed.length) throw new Error(`bots failed to start: ${result.failed.map((f) => f.error).join('; ')}`);
await host.runOnce();
for (const [i, bot] of [...host.bots.values()].entries()) if (i % 2 === 0) await bot.forceEnter(bot.config.pairs[0]!, {});
await new Promise((r) => setTimeout(r, Number(runMs)));
const loaded = memory();
const openTrades = [...host.bots.values()].reduce((n, bot) => n + bot.ledger.open().length, 0);
await host.close();
process.stdout.write(`${JSON.stringify({ baseline, loaded, openTrades })}\n`);
process.exit(0);
