// Fault: SIGKILL the worker while a FreqTrade bot is provisioned; a new worker finishes with exactly one container and
// one volume, and the bot running.
import type { ChildProcess } from 'node:child_process';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findBot } from '../db/bots.js';
import { spawnWorker, killWorker } from './worker-process.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';
import { containersOf, volumesOf } from './bot-docker.js';

const docker = new Docker();
let platform: TestPlatform;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawnWorker(platform.config);
  workers.push(child);
  return child;
}


beforeAll(async () => {
  platform = await startPlatform({ worker: false, env: { BOT_DRIVER: 'docker' } });
}, 60_000);

afterEach(async () => {
  await Promise.all(workers.splice(0).map(killWorker));
});

afterAll(async () => {
  await platform?.stop();
});

describe('worker killed while a FreqTrade bot is provisioned', () => {
  it('recovers with one container, one volume and the bot running', async () => {
    const user = await signedUpAgent(platform.app);
    const first = startWorker();
    const created = await user.agent.post('/api/bots').set('Origin', ORIGIN)
      .send({ name: 'ft survivor', pairs: ['BTC/USDT'], stakeAmount: 20, engine: 'freqtrade' });
    expect(created.status).toBe(201);
    const botId: string = created.body.bot.id;
    // Killed once the container exists, before FreqTrade answers: the retried steps must find what they made.
    await waitFor('the container', async () => (await containersOf(botId)).length > 0, 60_000);
    await killWorker(first);

    startWorker();
    const bot = await waitFor('running after restart', async () => {
      const b = await findBot(platform.db, botId);
      if (b?.status === 'failed') throw new Error(`provisioning failed: ${b.lastError}`);
      return b?.status === 'running' ? b : null;
    }, 240_000);
    const containers = await containersOf(botId);
    expect(containers).toHaveLength(1);
    expect(containers[0]!.State).toBe('running');
    expect(bot.runtimeId).toBe(containers[0]!.Id);
    expect(await volumesOf(botId)).toHaveLength(1);

    expect((await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN)).status).toBe(200);
    expect(await containersOf(botId)).toHaveLength(0);
    expect(await volumesOf(botId)).toHaveLength(0);
  }, 360_000);
});
