// End to end on real parts: API → Temporal → worker → Docker; the container really exists, hardened, and goes away.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../bot/test-support.js';
import { CONTAINER_SOCKET_DIR, dedicatedSocketDirName } from '../domain/bot-channel.js';
import { botWorkflowId } from '../domain/workflow-ids.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, watchBotStatuses, type TestPlatform } from './platform.js';
import { containersOf } from './bot-docker.js';

const docker = new Docker();
let platform: TestPlatform;


beforeAll(async () => {
  platform = await startPlatform({ env: { BOT_DRIVER: 'docker' } });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

describe('bot lifecycle on Docker', () => {
  it('provisions, stops, starts and deletes a bot in a hardened, labelled container', async () => {
    const user = await signedUpAgent(platform.app);
    const created = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'Docker bot', pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 25 });
    expect(created.status).toBe(201);
    const botId: string = created.body.bot.id;
    expect(created.body.bot.status).toBe('provisioning');

    const running = await waitFor('running', async () => {
      const { body } = await user.agent.get(`/api/bots/${botId}`);
      return body.bot.status === 'running' ? body : null;
    });
    expect(running.bot.driver).toBe('docker');
    expect(running.workflow.url).toContain(encodeURIComponent(botWorkflowId(botId)));

    const [summary, ...others] = await containersOf(botId);
    expect(others).toHaveLength(0);
    expect(summary!.Labels).toMatchObject({ 'tradefleet.bot': botId, 'tradefleet.user': user.userId });
    const info = await docker.getContainer(summary!.Id).inspect();
    expect(info.State.Running).toBe(true);
    expect(info.HostConfig).toMatchObject({ CapDrop: ['ALL'], ReadonlyRootfs: true, PidsLimit: 64, Memory: 128 * 1024 * 1024 });
    expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges');
    expect(info.Config.User).toBe('1000:1000');
    // The bot's API credentials live in a 0600 file in the container's volume, never in its environment.
    expect(JSON.stringify(info.Config.Env)).not.toMatch(/password|jwtSecret/);
    expect(info.HostConfig.Binds ?? []).not.toContainEqual(expect.stringContaining('docker.sock'));
    expect(running.bot.runtimeId).toBe(summary!.Id);
    // No network: its one mount from the host is its own socket directory.
    const dir = `${platform.config.BOT_SOCKET_DIR}/${dedicatedSocketDirName(botId)}`;
    expect(info.HostConfig.NetworkMode).toBe('none');
    expect(info.Mounts.filter((m) => m.Type === 'bind')).toEqual([expect.objectContaining({ Source: dir, Destination: CONTAINER_SOCKET_DIR })]);

    // The bot's own FreqTrade API answers on its socket, and refuses anonymous callers.
    const socket = `${dir}/api-${botId}.sock`;
    expect((await call(socket, '/api/v1/ping')).body).toEqual({ status: 'pong' });
    expect((await call(socket, '/api/v1/show_config')).status).toBe(401);

    const stopped = await user.agent.post(`/api/bots/${botId}/stop`).set('Origin', ORIGIN);
    expect(stopped.body.bot.status).toBe('stopped');
    expect((await docker.getContainer(summary!.Id).inspect()).State.Running).toBe(false);

    const events = watchBotStatuses(platform.app, user.cookie, (s) => s.includes('starting') && s.at(-1) === 'running');
    const started = await user.agent.post(`/api/bots/${botId}/start`).set('Origin', ORIGIN);
    expect(started.body.bot.status).toBe('running');
    expect((await docker.getContainer(summary!.Id).inspect()).State.Running).toBe(true);
    expect(await events).toContain('starting');

    const deleted = await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN);
    expect(deleted.status).toBe(200);
    expect(await containersOf(botId)).toHaveLength(0);
    expect((await user.agent.get(`/api/bots/${botId}`)).status).toBe(404);
    const wf = await platform.temporal.workflow.getHandle(botWorkflowId(botId)).describe();
    expect(wf.status.name).toBe('COMPLETED');
  }, 180_000);

  it('marks a bot failed and leaves no container when its image cannot start', async () => {
    // A platform of its own whose bot image cannot start, so the file's shared platform stays as every other test expects.
    const broken = await startPlatform({ env: { BOT_DRIVER: 'docker', BOT_IMAGE: 'tradefleet/base:bookworm' } });
    try {
      await failsWithoutContainer(broken);
    } finally {
      await broken.stop();
    }
  }, 180_000);
});

/** A bot on `platform` (whose image cannot start) ends failed, with the step named, and leaves no container. */
async function failsWithoutContainer(platform: TestPlatform): Promise<void> {
  const user = await signedUpAgent(platform.app);
  const created = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'Broken', pairs: ['BTC/USDT'], stakeAmount: 5 });
  const botId: string = created.body.bot.id;
  const failed = await waitFor('failed', async () => {
    const { body } = await user.agent.get(`/api/bots/${botId}`);
    return body.bot.status === 'failed' ? body.bot : null;
  }, 120_000);
  expect(failed.lastError).toMatch(/provisioning failed at create-runtime: Docker refused the container/);
  expect(await containersOf(botId)).toHaveLength(0);
  expect((await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN)).status).toBe(200);
}
