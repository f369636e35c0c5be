// The bot-host image as the platform runs it: hardened container, host network, one bot; ping, login, clean stop.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BOT_HOST_CONFIG_ENV } from '../domain/bot-host-config.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { startPaperExchange } from '../exchange/server.js';
import { AccessAndRefreshToken, ShowConfig } from './freqtrade-api-schemas.js';
import { basic, botConfig, call, freePort } from './test-support.js';
import { crossStrategy } from './trading-test-support.js';

const run = promisify(execFile);
const IMAGE = 'tradefleet/bot-host:latest';

function dockerReachable(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

const reachable = dockerReachable();
const skipNote = reachable ? '' : ' [skipped: `docker info` failed, Docker is not reachable]';

describe('bot-host image', () => {
  it.skipIf(!reachable)(`runs hardened on the host network, trades on the paper exchange and stops within 2 s${skipNote}`, async () => {
    const inspect = await run('docker', ['image', 'inspect', IMAGE]).catch(() => null);
    expect(inspect, `image ${IMAGE} is missing: build it with bash scripts/images.sh`).not.toBeNull();

    // The bundled host's trimmed ccxt (binance class only) must really trade: a live bot on a paper-exchange account,
    // the exchange on this host's loopback.
    const ex = await startPaperExchange({ port: 0, tickMs: 0, historyDays: 1 });
    const account = ex.createAccount({ balances: { USDT: '1000' } });
    const bot = botConfig('imagetest', await freePort(), {
      pairs: ['BTC/USDT'], strategy: crossStrategy(), exchangeProfile: exchangeProfile('paper', ex.url),
      dryRun: false, credentials: { apiKey: account.apiKey, secret: account.secret },
    });
    const name = `tf-bot-host-test-${randomBytes(4).toString('hex')}`;
    const env = { ...process.env, [BOT_HOST_CONFIG_ENV]: JSON.stringify({ listenHost: '127.0.0.1', bots: [bot] }) };
    // `-e NAME` without a value passes it from this process's environment, so the secrets stay out of argv.
    await run('docker', [
      'run', '-d', '--name', name, '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
      '--user', '1000:1000', '--pids-limit', '64', '--memory', '128m', '--network', 'host',
      '-e', BOT_HOST_CONFIG_ENV, IMAGE,
    ], { env });
    try {
      let up = false;
      for (let i = 0; i < 100 && !up; i++) {
        up = await call(bot.apiPort, '/api/v1/ping').then((r) => r.status === 200, () => false);
        if (!up) await new Promise((r) => setTimeout(r, 100));
      }
      expect(up, 'bot API did not answer /ping within 10 s').toBe(true);

      const login = await call(bot.apiPort, '/api/v1/token/login', { method: 'POST', authorization: basic(bot.api.username, bot.api.password) });
      const { access_token } = AccessAndRefreshToken.parse(login.body);
      const cfg = ShowConfig.parse((await call(bot.apiPort, '/api/v1/show_config', { authorization: `Bearer ${access_token}` })).body);
      expect(cfg).toMatchObject({ state: 'running', bot_name: 'imagetest', dry_run: false, force_entry_enable: true, strategy: 'SmaCross' });
      const bearer = `Bearer ${access_token}`;
      const entry = await call(bot.apiPort, '/api/v1/forceenter', { method: 'POST', authorization: bearer, body: JSON.stringify({ pair: 'BTC/USDT' }) });
      const ask = Number(ex.prices().find((p) => p.symbol === 'BTCUSDT')?.ask);
      expect(entry).toMatchObject({ status: 200, body: { trade_id: 1, pair: 'BTC/USDT', open_rate: ask, is_open: true } });
      const exit = await call(bot.apiPort, '/api/v1/forceexit', { method: 'POST', authorization: bearer, body: JSON.stringify({ tradeid: 'all' }) });
      expect(exit.body).toEqual({ result: 'Created exit orders for all open trades.' });
      const trades = await call(bot.apiPort, '/api/v1/trades', { authorization: bearer });
      expect(trades.body).toMatchObject({ total_trades: 1, trades: [{ exit_reason: 'force_exit' }] });
      expect(ex.account(account.id)).toMatchObject({ orders: 2, trades: 2 });

      const started = Date.now();
      await run('docker', ['stop', '-t', '10', name]);
      expect(Date.now() - started).toBeLessThan(3_000);
      const { stdout: exitCode } = await run('docker', ['inspect', '--format', '{{.State.ExitCode}}', name]);
      expect(exitCode.trim()).toBe('0');

      const { stdout: logs } = await run('docker', ['logs', name]);
      expect(logs).toContain('"msg":"bot host started"');
      for (const secret of [bot.api.password, bot.api.jwtSecret, access_token, account.secret]) expect(logs).not.toContain(secret);
    } finally {
      await run('docker', ['rm', '-f', '-v', name]).catch(() => undefined);
      await ex.close();
    }
  });
});
