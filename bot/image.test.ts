// The bot-host image as the platform runs it: hardened container, host network, one bot; ping, login, clean stop.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BOT_HOST_CONFIG_ENV } from '../domain/bot-host-config.js';
import { AccessAndRefreshToken, ShowConfig } from './freqtrade-api-schemas.js';
import { basic, botConfig, call, freePort } from './test-support.js';

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
  it.skipIf(!reachable)(`runs hardened on the host network, serves the API and stops within 2 s${skipNote}`, async () => {
    const inspect = await run('docker', ['image', 'inspect', IMAGE]).catch(() => null);
    expect(inspect, `image ${IMAGE} is missing: build it with bash scripts/images.sh`).not.toBeNull();

    const bot = botConfig('imagetest', await freePort());
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
      expect(cfg).toMatchObject({ state: 'running', bot_name: 'imagetest', dry_run: true });

      const started = Date.now();
      await run('docker', ['stop', '-t', '10', name]);
      expect(Date.now() - started).toBeLessThan(3_000);
      const { stdout: exitCode } = await run('docker', ['inspect', '--format', '{{.State.ExitCode}}', name]);
      expect(exitCode.trim()).toBe('0');

      const { stdout: logs } = await run('docker', ['logs', name]);
      expect(logs).toContain('"msg":"bot host started"');
      for (const secret of [bot.api.password, bot.api.jwtSecret, access_token]) expect(logs).not.toContain(secret);
    } finally {
      await run('docker', ['rm', '-f', name]).catch(() => undefined);
    }
  });
});
