// Benchmark: order round-trip through ccxt's binance class against the paper exchange (create market order → parsed response), median and p95 over 500 orders.
// Usage: node --import tsx bench/exchange-roundtrip.ts [--orders 500] [--in-process]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ccxt from 'ccxt';
import { startPaperExchange } from '../exchange/server.js';

const args = process.argv.slice(2);
const orders = Number(args[args.indexOf('--orders') + 1] || 500) || 500;
const inProcess = args.includes('--in-process');
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'BenchKey';
const SECRET = 'bench-secret-not-used-anywhere-else';
const accounts = [{ apiKey: KEY, secret: SECRET, balances: { USDT: '100000000', BTC: '100' } }];

/** The exchange in its own process (as in production), or in this one with --in-process. */
async function startExchange(): Promise<{ apiUrl: string; stop(): Promise<void> }> {
  if (inProcess) {
    const ex = await startPaperExchange({ port: 0, seed: 'bench', accounts });
    return { apiUrl: ex.apiUrl, stop: () => ex.close() };
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'exchange/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PAPER_EXCHANGE_PORT: '0', PAPER_EXCHANGE_SEED: 'bench', PAPER_EXCHANGE_ACCOUNTS: JSON.stringify(accounts), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const apiUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('paper exchange listening'));
      if (line) resolve(JSON.parse(line).apiUrl);
    });
    child.on('exit', (code) => reject(new Error(`exchange exited with ${code}`)));
  });
  return {
    apiUrl,
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function measure(apiUrl: string, label: string, enableRateLimit: boolean): Promise<void> {
  const client = new ccxt.binance({
    apiKey: KEY,
    secret: SECRET,
    enableRateLimit,
    urls: { api: { public: apiUrl, private: apiUrl } },
    options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false },
  });
  await client.loadMarkets();
  const once = (i: number) => client.createOrder('BTC/USDT', 'market', i % 2 === 0 ? 'buy' : 'sell', 0.001);
  for (let i = 0; i < 20; i++) await once(i);
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < orders; i++) {
    const t0 = performance.now();
    const order = await once(i);
    times.push(performance.now() - t0);
    if (order.status !== 'closed') throw new Error(`order ${order.id} not filled: ${order.status}`);
  }
  const elapsed = (performance.now() - started) / 1000;
  const sorted = [...times].sort((a, b) => a - b);
  const f = (ms: number) => `${ms.toFixed(2)} ms`;
  console.log(
    `${label.padEnd(44)} n=${orders}  median ${f(pct(sorted, 50))}  p95 ${f(pct(sorted, 95))}  p99 ${f(pct(sorted, 99))}  max ${f(sorted.at(-1)!)}  ${(orders / elapsed).toFixed(0)} orders/s`,
  );
}

const exchange = await startExchange();
try {
  console.log(`paper exchange ${inProcess ? 'in this process' : 'in its own process'} at ${exchange.apiUrl}; market orders BTC/USDT 0.001, alternating buy/sell`);
  await measure(exchange.apiUrl, 'ccxt, client throttle off (exchange latency)', false);
  await measure(exchange.apiUrl, 'ccxt defaults (enableRateLimit: true)', true);
} finally {
  await exchange.stop();
}
