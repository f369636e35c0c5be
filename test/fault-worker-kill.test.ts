// Fault: SIGKILL the worker at several points of provisioning; a new worker finishes with exactly one container.
import type { ChildProcess } from 'node:child_process';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findBot } from '../db/bots.js';
import { spawnWorker, killWorker } from './worker-process.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';
import { containersOf } from './bot-docker.js';

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

// Each point is observed from outside (database row, Docker), then the worker dies on the spot.
const points: Array<[string, (botId: string) => Promise<boolean>]> = [
  ['right after the bot row is persisted', async () => true],
  ['once its container exists', async (botId) => (await containersOf(botId)).length > 0],
  ['once its container runs', async (botId) => (await containersOf(botId)).some((c) => c.State === 'running')],
];

describe('worker killed during provisioning', () => {
  it.each(points)('recovers when killed %s', async (_label, reached) => {
    const user = await signedUpAgent(platform.app);
    const first = startWorker();
    const created = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'survivor', pairs: ['BTC/USDT'], stakeAmount: 10 });
    expect(created.status).toBe(201);
    const botId: string = created.body.bot.id;
    await waitFor('the kill point', () => reached(botId), 60_000);
    await killWorker(first);

    startWorker();
    const bot = await waitFor('running after restart', async () => {
      const b = await findBot(platform.db, botId);
      return b?.status === 'running' ? b : null;
    }, 120_000);
    const containers = await containersOf(botId);
    expect(containers).toHaveLength(1);
    expect(containers[0]!.State).toBe('running');
    expect(bot.runtimeId).toBe(containers[0]!.Id);

    expect((await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN)).status).toBe(200);
    expect(await containersOf(botId)).toHaveLength(0);
  }, 240_000);
});
