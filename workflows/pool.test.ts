// Pool scaler logic on the real Temporal server with a simulated Docker host: bin packing under a burst of placements,
// coalesced writes, headroom, a vanished container's bots placed again with their state (never afresh, never twice, even
// with every bot list rewritten mid-move), operator commands validated.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { defaultPoolSettings, type PoolSettings, type PoolState } from '../domain/pool.js';
import { dockerQueue, poolWorkflowId } from '../domain/workflow-ids.js';
import { fakePoolActivities, fakePoolDockerActivities, newPoolSim, type PoolSim } from '../test/fake-pool-activities.js';
import { useWorkflowTestEnv } from '../test/workflow-env.js';
import { configurePool, drainContainer, placeBot, poolState, poolWorkflow, releaseBot, relocateBot, scalePool } from './pool.js';

const env = useWorkflowTestEnv({ server: 'shared' });

async function withPool(settings: Partial<PoolSettings>, test: (h: WorkflowHandle<typeof poolWorkflow>, sim: PoolSim) => Promise<void>): Promise<void> {
  const sim = newPoolSim();
  const host = `fake-${randomUUID().slice(0, 8)}`;
  const docker = await Worker.create({ connection: env.nativeConnection, taskQueue: dockerQueue(host), activities: fakePoolDockerActivities(sim) });
  const poolId = `p-${randomUUID().slice(0, 8)}`;
  await Promise.all([
    docker.runUntil(() =>
      env.withWorker(fakePoolActivities(sim), async (taskQueue) => {
        const h = await env.client.workflow.start(poolWorkflow, {
          workflowId: poolWorkflowId(poolId), taskQueue, args: [{ poolId, settings: { ...defaultPoolSettings(host), ...settings } }],
        });
        try {
          await test(h, sim);
        } finally {
          await h.terminate();
        }
      }),
    ),
  ]);
}

const place = (h: WorkflowHandle<typeof poolWorkflow>, botId: string, run = true) => h.executeUpdate(placeBot, { args: [{ botId, sizeMb: 9, run }] });
const until = async (h: WorkflowHandle<typeof poolWorkflow>, what: string, ok: (s: PoolState) => boolean, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await h.query(poolState);
    if (ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`pool never reached: ${what}; state ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const placedIn = (s: PoolState, botId: string) => s.containers.filter((c) => botId in c.bots).map((c) => c.key);

describe('pool scaler workflow', () => {
  it('packs a burst of bots by best fit, keeps the headroom and coalesces writes', async () => {
    await withPool({ maxBotsPerContainer: 5, headroom: 2 }, async (h, sim) => {
      const bots = Array.from({ length: 12 }, () => randomUUID());
      // Writes take as long as a real Docker exec, so placements arriving during one are coalesced into the next however
      // fast or slow the machine runs the workflow.
      sim.writeMs = 200;
      // Temporal admits 10 updates in flight per workflow: a burst goes in two waves here, as the placement client does.
      const placed = [...(await Promise.all(bots.slice(0, 8).map((b) => place(h, b)))), ...(await Promise.all(bots.slice(8).map((b) => place(h, b))))];
      const s = await until(h, 'headroom restored', (x) => x.containers.length === 3 && x.containers.every((c) => c.status === 'ready'));
      for (const [i, b] of bots.entries()) expect(placedIn(s, b)).toEqual([placed[i]!.containerKey]);
      expect(s.containers.map((c) => Object.keys(c.bots).length).sort()).toEqual([2, 5, 5]);
      expect(sim.creates).toBe(3);
      await until(h, 'every bot written', () => bots.every((b) => [...sim.lists.values()].flat().includes(b)));
      expect(sim.writes).toBeLessThan(bots.length);
    });
  }, 60_000);

  it('places the bots of a vanished container again, with their saved state, each in one container', async () => {
    await withPool({ maxBotsPerContainer: 2, headroom: 0 }, async (h, sim) => {
      const bots = [randomUUID(), randomUUID(), randomUUID()];
      for (const b of bots) await place(h, b);
      const before = await until(h, 'bots written', () => bots.every((b) => [...sim.lists.values()].flat().includes(b)));
      const victim = before.containers.find((c) => Object.keys(c.bots).length === 2)!;
      sim.containers.delete(victim.key); // docker rm -f
      const after = await until(h, 'bots placed again', (s) => !s.containers.some((c) => c.key === victim.key) && bots.every((b) => placedIn(s, b).length === 1));
      for (const botId of Object.keys(victim.bots)) {
        const [key] = placedIn(after, botId);
        expect(sim.stateFiles.get(`${key}/${botId}`)).toBe(`state of ${botId} from ${victim.key}`);
      }
      await until(h, 'moved bots written', () => bots.every((b) => [...sim.lists.values()].flat().filter((x) => x === b).length === 1));
      // A reconcile wrote every list while the bots moved: none started afresh in its new container, none ran twice.
      expect(sim.lostImports).toEqual([]);
      expect(sim.doubles).toEqual([]);
    });
  }, 60_000);

  it('never judges a container gone that started while a slow look at Docker was under way', async () => {
    await withPool({ maxBotsPerContainer: 1, headroom: 0 }, async (h, sim) => {
      // Each look lists the containers, then takes 4 s (a real one reads every container's stats): placements arriving
      // meanwhile start containers the look did not list. Over two cycles some start inside a look.
      sim.observeMs = 4000;
      const bots: string[] = [];
      for (let i = 0; i < 16; i++) {
        bots.push(randomUUID());
        await place(h, bots.at(-1)!);
        await new Promise((r) => setTimeout(r, 1500));
      }
      const s = await until(h, 'every bot placed and ready', (x) => x.containers.length === bots.length && x.containers.every((c) => c.status === 'ready'));
      await new Promise((r) => setTimeout(r, 5000)); // one more look, after the last start
      expect(sim.removed).toEqual([]);
      expect(sim.creates).toBe(bots.length);
      for (const b of bots) expect(placedIn(s, b)).toHaveLength(1);
    });
  }, 120_000);

  it('stops, releases and moves bots, and validates operator commands before they count', async () => {
    await withPool({ maxBotsPerContainer: 3, headroom: 0, maxContainers: 2 }, async (h, sim) => {
      const [a, b] = [randomUUID(), randomUUID()];
      const first = await place(h, a);
      await place(h, b);
      await place(h, a, false);
      expect(sim.lists.get(first.containerKey)).toEqual([b]);

      await expect(h.executeUpdate(configurePool, { args: [{ headroom: -1 }] })).rejects.toMatchObject({ cause: { message: 'headroom: must be between 0 and 500' } });
      await expect(h.executeUpdate(scalePool, { args: [0] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/^containers: 2 bots need/) } });
      await expect(h.executeUpdate(drainContainer, { args: ['nope'] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/^key: no container nope/) } });
      await expect(h.executeUpdate(relocateBot, { args: [randomUUID(), first.containerKey] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/^botId: /) } });
      expect((await h.query(poolState)).settings.headroom).toBe(0);

      expect(await h.executeUpdate(scalePool, { args: [2] })).toBe(2);
      const other = (await h.query(poolState)).containers.find((c) => c.key !== first.containerKey)!;
      const moved = await h.executeUpdate(relocateBot, { args: [b, other.key] });
      expect(moved.containerKey).toBe(other.key);
      expect(sim.lists.get(other.key)).toEqual([b]);
      expect(sim.stateFiles.get(`${other.key}/${b}`)).toBe(`state of ${b} from ${first.containerKey}`);

      await h.signal(releaseBot, a);
      await until(h, 'bot released', (s) => placedIn(s, a).length === 0);
      await h.executeUpdate(drainContainer, { args: [first.containerKey] });
      await until(h, 'drained container removed', (s) => !s.containers.some((c) => c.key === first.containerKey));
      expect(sim.containers.has(first.containerKey)).toBe(false);
      expect(sim.lostImports).toEqual([]);
      expect(sim.doubles).toEqual([]);
    });
  }, 60_000);
});
