// The leftover sweep against real Docker and PostgreSQL: it removes a deleted bot's container and volume and a pool
// state volume nothing names, and keeps a live bot's container, another deployment's, and a state volume the scaler knows.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botLabels, CreateBotInput } from '../domain/bot.js';
import { ORPHAN_MIN_AGE_MS } from '../domain/fleet-reconcile.js';
import { savePoolState } from '../db/pools.js';
import { createDb, type Db } from '../db/pool.js';
import { insertUser } from '../db/users.js';
import { createOrphanSweepActivities } from './orphan-sweep.js';
import { insertBotOnFreePort } from '../test/bot-rows.js';

const docker = new Docker();
const poolId = `sweep-${randomUUID().slice(0, 8)}`;
const image = process.env.BOT_IMAGE ?? 'tradefleet/bot-host:latest';
let db: Db;
const containers: string[] = [];
const volumes: string[] = [];

beforeAll(async () => {
  db = await createDb(process.env.DATABASE_URL!);
});
afterAll(async () => {
  for (const id of containers) await docker.getContainer(id).remove({ force: true, v: true }).catch(() => undefined);
  for (const name of volumes) await docker.getVolume(name).remove().catch(() => undefined);
  await db?.end();
});

/** A never-started container with `labels` (the sweep judges labels and age, not what runs). */
async function container(labels: Record<string, string>): Promise<string> {
  const c = await docker.createContainer({ Image: image, Labels: labels, HostConfig: { NetworkMode: 'none' } });
  containers.push(c.id);
  return c.id;
}
async function volume(name: string, labels: Record<string, string> = {}): Promise<string> {
  await docker.createVolume({ Name: name, Labels: labels });
  volumes.push(name);
  return name;
}
const exists = async (kind: 'container' | 'volume', id: string) =>
  (kind === 'container' ? docker.getContainer(id).inspect() : docker.getVolume(id).inspect()).then(() => true, () => false);

describe('sweepOrphans', () => {
  it("removes only this deployment's leftovers, and only once they are a minute old", async () => {
    const user = await insertUser(db, null, { id: randomUUID(), email: `${randomUUID()}@example.com`, passwordHash: 'x' });
    const spec = CreateBotInput.parse({ name: 'Kept', pairs: ['BTC/USDT'], stakeAmount: 10 });
    const live = await insertBotOnFreePort(db, { id: randomUUID(), userId: user.id, spec, driver: 'docker', sealedCredentials: 'x' });
    const known = { key: `${poolId}-c1`, host: 'local', status: 'ready' as const, bots: {}, liveMb: null, removableCycles: 0 };
    await savePoolState(db, 'sweep-queue', { poolId, seq: 1, containers: [known], settings: { minContainers: 0, maxContainers: 2, headroom: 0, containerMemoryMb: 512, hosts: ['local'] } as never });

    const goneBot = randomUUID();
    const deleted = await container(botLabels(goneBot, user.id));
    const deletedVolume = await volume(`tf-bot-${goneBot}`, botLabels(goneBot, user.id));
    const lostState = await volume(`tf-pool-${poolId}-c7-state`);
    const kept = [
      ['container', await container(botLabels(live.id, user.id))],
      ['container', await container(botLabels(randomUUID(), `another-deployment-${randomUUID()}`))],
      ['volume', await volume(`tf-pool-${poolId}-c1-state`)],
    ] as const;

    const env = new MockActivityEnvironment();
    const young = createOrphanSweepActivities({ docker, db });
    expect(await env.run(young.sweepOrphans, poolId)).toEqual([]); // a provisioning may be about to use them

    const later = createOrphanSweepActivities({ docker, db, now: () => Date.now() + ORPHAN_MIN_AGE_MS + 5_000 });
    const removed = (await env.run(later.sweepOrphans, poolId)) as string[];
    const mine = removed.filter((r) => r.includes(goneBot) || r.includes(poolId));
    expect(mine).toHaveLength(3);
    expect(mine).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^container .*: bot ${goneBot} no longer exists$`)),
      `volume ${lostState}: state volume of pool container ${poolId}-c7, which the pool no longer has`,
      `volume ${deletedVolume}: bot ${goneBot} no longer exists`,
    ]));
    expect(await exists('container', deleted)).toBe(false);
    expect(await exists('volume', deletedVolume)).toBe(false);
    expect(await exists('volume', lostState)).toBe(false);
    for (const [kind, id] of kept) expect(await exists(kind, id), `${kind} ${id}`).toBe(true);
  }, 60_000);
});
