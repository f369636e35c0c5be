// The exchange as its own process: configured from the environment, stops on SIGTERM, keeps accounts and orders across a restart, logs no secret.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ccxt } from './test-support.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-exchange-main-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

const SECRET = 'main-test-secret-value-0123456789';
const ADMIN_TOKEN = 'main-test-admin-token-0123456789';

async function runExchange(): Promise<{ apiUrl: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'exchange/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PAPER_EXCHANGE_PORT: '0',
      PAPER_EXCHANGE_TICK_MS: '0',
      PAPER_EXCHANGE_ADMIN_TOKEN: ADMIN_TOKEN,
      PAPER_EXCHANGE_SNAPSHOT: path.join(dir, 'state.json'),
      PAPER_EXCHANGE_ACCOUNTS: JSON.stringify([{ apiKey: 'MainTestKey', secret: SECRET, balances: { USDT: '1000' } }]),
      LOG_LEVEL: 'debug',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const apiUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`exchange did not start:\n${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const line = output.split('\n').find((l) => l.includes('paper exchange listening'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line).apiUrl);
      }
    });
    child.on('exit', () => reject(new Error(`exchange exited:\n${output}`)));
  });
  return { apiUrl, child, output: () => output };
}

const stop = (child: ChildProcess) => new Promise<number | null>((resolve) => {
  child.on('exit', (code) => resolve(code));
  child.kill('SIGTERM');
});

const client = (apiUrl: string) =>
  new ccxt.binance({
    apiKey: 'MainTestKey',
    secret: SECRET,
    urls: { api: { public: apiUrl, private: apiUrl } },
    options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false },
  });

describe('exchange/main.ts', () => {
  it('serves ccxt, survives a restart with its accounts and orders, and never logs the secret', async () => {
    const first = await runExchange();
    const before = client(first.apiUrl);
    const order = await before.createOrder('SOL/USDT', 'limit', 'buy', 1, 100, { clientOrderId: 'persisted-1' });
    expect(order.status).toBe('open');
    expect(await stop(first.child)).toBe(0);
    const logs = first.output();
    expect(logs).toContain('"path":"/api/v3/order"');
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain(ADMIN_TOKEN);
    expect(logs).not.toContain('signature');

    const second = await runExchange();
    const after = client(second.apiUrl);
    expect((await after.fetchOrder('', 'SOL/USDT', { clientOrderId: 'persisted-1' })).status).toBe('open');
    expect((await after.fetchBalance())['USDT']).toMatchObject({ free: 900, used: 100 });
    const canceled = await after.cancelOrder(order.id!, 'SOL/USDT');
    expect(canceled.status).toBe('canceled');
    expect((await after.fetchBalance())['USDT']).toMatchObject({ free: 1000, used: 0 });
    expect(await stop(second.child)).toBe(0);
  });
});
