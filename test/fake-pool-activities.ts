// A simulated Docker host and pool store for pool scaler workflow tests and recorded histories: containers in a map,
// bot lists as the scaler last wrote them, saved state files per bot; everything the real activities do, minus Docker.
import type { PoolActivities, PoolDockerActivities } from '../activities/pools.js';
import type { PoolState } from '../domain/pool.js';

export interface PoolSim {
  containers: Map<string, { host: string; running: boolean }>;
  /** Bot list per container as last written (attached bots placed there). */
  lists: Map<string, string[]>;
  attached: Map<string, boolean>;
  stateFiles: Map<string, string>;
  saved: PoolState | null;
  writes: number;
  creates: number;
}

export const newPoolSim = (): PoolSim => ({
  containers: new Map(), lists: new Map(), attached: new Map(), stateFiles: new Map(), saved: null, writes: 0, creates: 0,
});

export function fakePoolActivities(sim: PoolSim): PoolActivities {
  return {
    loadPool: async () => null,
    savePool: async (state) => {
      sim.saved = structuredClone(state);
    },
    savePoolStats: async () => undefined,
    setBotAttached: async (botId, attached) => {
      const was = sim.attached.get(botId) ?? false;
      sim.attached.set(botId, attached);
      return was;
    },
  };
}

export function fakePoolDockerActivities(sim: PoolSim): PoolDockerActivities {
  const botsIn = (key: string) =>
    sim.saved?.containers.find((c) => c.key === key) ? Object.keys(sim.saved.containers.find((c) => c.key === key)!.bots) : [];
  return {
    ensurePoolContainer: async (_poolId, key) => {
      if (!sim.containers.has(key)) sim.creates += 1;
      const host = sim.saved?.containers.find((c) => c.key === key)?.host ?? 'unknown';
      sim.containers.set(key, { host, running: true });
      return `id-${key}`;
    },
    observePoolContainers: async (_poolId, host) =>
      [...sim.containers.entries()]
        .filter(([, c]) => c.host === host)
        .map(([key, c]) => ({ key, host, running: c.running, memoryMb: 40, memoryBytes: 40 * 2 ** 20, memoryLimitBytes: 512 * 2 ** 20, cpuPercent: 1 })),
    writeContainerBots: async (_poolId, key) => {
      if (!sim.containers.get(key)?.running) throw new Error(`pool container ${key} does not exist`);
      sim.writes += 1;
      const list = botsIn(key).filter((b) => sim.attached.get(b));
      sim.lists.set(key, list);
      for (const b of list) if (!sim.stateFiles.has(`${key}/${b}`)) sim.stateFiles.set(`${key}/${b}`, `state of ${b}`);
      return list.length;
    },
    waitBotReleased: async () => undefined,
    exportBotState: async (_poolId, key, botId) => {
      const s = sim.stateFiles.get(`${key}/${botId}`);
      return s === undefined ? null : Buffer.from(s).toString('base64');
    },
    importBotState: async (_poolId, key, botId, data) => {
      sim.stateFiles.set(`${key}/${botId}`, Buffer.from(data, 'base64').toString());
    },
    deleteBotState: async (_poolId, key, botId) => {
      sim.stateFiles.delete(`${key}/${botId}`);
    },
    removePoolContainer: async (_poolId, key) => {
      sim.containers.delete(key);
      sim.lists.delete(key);
    },
  };
}
