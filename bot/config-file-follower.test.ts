// The host follows its config file: a new content is applied, a half-written or invalid one is logged and the bots kept.
import { mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import { stateFileName } from './bot-state-store.js';
import { followConfigFile, type ConfigFollower } from './config-file-follower.js';
import { createBotHost, type BotHost } from './host.js';
import { createLogger } from './log.js';
import { botConfig, call, freePort } from './test-support.js';

let dir: string;
let file: string;
let host: BotHost;
let follower: ConfigFollower;
let a: HostedBotConfig;
let b: HostedBotConfig;
const lines: string[] = [];
const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
const answers = (bot: HostedBotConfig) => call(bot.apiPort, '/api/v1/ping').then((r) => r.status === 200, () => false);
const write = (bots: HostedBotConfig[]) => writeFile(file, JSON.stringify({ listenHost: '127.0.0.1', bots }), { mode: 0o600 });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tf-follow-'));
  file = join(dir, 'bot-host.json');
  await writeFile(join(dir, '.keep'), '');
  a = botConfig('follow-a', await freePort());
  b = botConfig('follow-b', await freePort());
  const log = (l: string) => lines.push(l);
  host = createBotHost({ processIntervalMs: 0, log, stateDir: dir });
  await write([]);
  // A long interval: the tests poll by hand, except the one that waits for the timer.
  follower = followConfigFile(host, file, createLogger(log), { intervalMs: 60_000, retryFailedMs: 0 });
});
afterAll(async () => {
  follower?.stop();
  await host?.close();
  await rm(dir, { recursive: true, force: true });
});

// An ordered story: each step changes the one config file the host follows; its steps keep their order in a shuffled run (files still shuffle).
describe('followConfigFile', { shuffle: false }, () => {
  it('applies a new file content: its bots start', async () => {
    await follower.poll();
    expect(host.bots.size).toBe(0);
    await write([a, b]);
    await follower.poll();
    expect([await answers(a), await answers(b)]).toEqual([true, true]);
    expect(logged().find((l) => l['msg'] === 'configuration applied')).toMatchObject({ bots: 2, added: 2 });
  });

  it('retries a half-written file on the next poll, logging only that it is not JSON yet', async () => {
    const full = JSON.stringify({ bots: [a] });
    await writeFile(file, full.slice(0, full.length / 2));
    await follower.poll();
    expect(host.bots.size).toBe(2);
    expect(logged().at(-1)).toMatchObject({ level: 'warn', msg: expect.stringContaining('not valid JSON') });
    await writeFile(file, full);
    await follower.poll();
    expect(await answers(b)).toBe(false);
    expect(await answers(a)).toBe(true);
    // The removed bot's state was saved as it stopped, ready to be moved to another container.
    expect(await readdir(dir)).toContain(stateFileName(b.botId));
  });

  it('keeps the current bots when the file is invalid, logging where without the secret', async () => {
    const before = lines.length;
    await write([a, { ...b, api: { ...b.api, jwtSecret: 'too-short-secret' } }]);
    await follower.poll();
    expect(host.bots.size).toBe(1);
    expect(await answers(a)).toBe(true);
    const refused = logged().slice(before).find((l) => l['level'] === 'error');
    expect(refused?.['error']).toMatch(/bots\.1\.api\.jwtSecret: must have at least 32 characters/);
    // A poll of the same bad content does not log it again.
    await follower.poll();
    expect(lines.length).toBe(before + 1);
  });

  it('keeps the bots while the file is missing, and applies the next file', async () => {
    await unlink(file);
    await follower.poll();
    await follower.poll();
    expect(logged().filter((l) => l['msg'] === 'cannot read the configuration file; keeping the current bots')).toHaveLength(1);
    expect(await answers(a)).toBe(true);
    await write([b]);
    await follower.poll();
    expect([await answers(a), await answers(b)]).toEqual([false, true]);
  });

  it('retries a bot that could not start (its port was taken) without the file changing', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(a.apiPort, '127.0.0.1', resolve));
    await write([a, b]);
    await follower.poll();
    expect(host.bots.has(a.botId)).toBe(false);
    expect(logged().find((l) => l['msg'] === 'bot could not start')).toMatchObject({ botId: a.botId, error: expect.stringContaining('EADDRINUSE') });
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    await follower.poll();
    expect(await answers(a)).toBe(true);
  });

  it('polls on its own timer', async () => {
    const fast = followConfigFile(host, file, createLogger(() => undefined), { intervalMs: 50 });
    try {
      expect(await answers(a)).toBe(true);
      await write([b]);
      const started = Date.now();
      while ((await answers(a)) && Date.now() - started < 3_000) await new Promise((r) => setTimeout(r, 25));
      expect(await answers(a)).toBe(false);
      expect(await answers(b)).toBe(true);
    } finally {
      fast.stop();
    }
  });

  it('never logs a secret of the bots it ran', () => {
    const all = lines.join('');
    for (const bot of [a, b]) for (const secret of [bot.api.password, bot.api.jwtSecret]) expect(all).not.toContain(secret);
    expect(all).not.toContain('too-short-secret');
  });
});
