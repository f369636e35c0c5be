// A dedicated builtin bot's container made before bots lost their network (host network, no socket directory) is made
// again on its next create or start, without a network and with its socket directory, and its saved state (open
// trades) comes along from the old container's /state volume.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { createBotChannels } from '../activities/bot-channels.js';
import { createDockerRuntime } from '../activities/docker-runtime.js';
import { readTarFile, singleFileTar, streamToBuffer } from '../activities/tar.js';
import { botLabels } from '../domain/bot.js';
import { CONTAINER_SOCKET_DIR } from '../domain/bot-channel.js';
import { readConfig } from '../domain/config.js';

const docker = new Docker();
const image = readConfig(process.env).BOT_IMAGE;
const botId = randomUUID();
const userId = randomUUID();
let root: string | null = null;

afterAll(async () => {
  for (const c of await docker.listContainers({ all: true, filters: { label: [`tradefleet.bot=${botId}`] } })) {
    await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  }
  if (root) await fs.rm(root, { recursive: true, force: true });
});

describe('a dedicated builtin container from before isolation', () => {
  it('is made again without a network, keeping the bot\'s saved state', async () => {
    const old = await docker.createContainer({
      name: `tf-bot-${botId}`, Image: image, Labels: botLabels(botId, userId), User: '1000:1000', HostConfig: { NetworkMode: 'host' },
    });
    const state = JSON.stringify({ marker: randomUUID() });
    await old.putArchive(singleFileTar(`${botId}.json`, state, { uid: 1000, gid: 1000, mode: 0o600 }), { path: '/state' });

    root = await fs.mkdtemp(path.join(os.tmpdir(), 'tf-upgrade-'));
    const channels = createBotChannels(root, () => true);
    const runtime = createDockerRuntime(docker, { image, channels, memoryMb: 128, cpus: 0.5, pidsLimit: 64 });
    try {
      const id = await runtime.ensureCreated({ botId, userId, host: { listenHost: '127.0.0.1', bots: [] } });
      expect(id).not.toBe(old.id);
      const info = await docker.getContainer(id).inspect();
      expect(info.HostConfig.NetworkMode).toBe('none');
      expect(info.Mounts.some((m) => m.Destination === CONTAINER_SOCKET_DIR)).toBe(true);
      await expect(old.inspect()).rejects.toMatchObject({ statusCode: 404 });
      const carried = readTarFile(await streamToBuffer(await docker.getContainer(id).getArchive({ path: `/state/${botId}.json` })));
      expect(carried?.toString('utf8')).toBe(state);
      // Once made again, it stays: a second create finds the same container.
      expect(await runtime.ensureCreated({ botId, userId, host: { listenHost: '127.0.0.1', bots: [] } })).toBe(id);
    } finally {
      await channels.close();
    }
  }, 120_000);
});
