// A simulated Docker host and pool store for pool scaler workflow tests and recorded histories: containers in a map,
// bot lists as the scaler last wrote them, saved state files per bot; everything the real activities do, minus Docker.
// Like a real bot host, a bot named by a list starts from its state file there, or afresh (a new file naming the
// container it began in), and a state file imported under a bot already running there is lost to that bot's saves.
// While a move copies a bot's state out, the simulation rewrites every bot list from the saved placements, as a
// reconcile running at that moment would.
import type { PoolActivities, PoolDockerActivities } from '../activities/pools.js';
import type { PoolState } from '../domain/pool.js';

export interface PoolSim {
  /** How long the scaler's bot-list write takes (a real one is a Docker exec of about 100 ms); 0 by default. */
  writeMs: number;
  /** How long a reconcile's look takes after it listed the containers (real ones read each container's stats); 0 by default. */
  observeMs: number;
  /** Containers the scaler removed, in order. */
  removed: string[];
  containers: Map<string, { host: string; running: boolean }>;
  /** Bot list per container as last written (attached bots placed there). */
  lists: Map<string, string[]>;
  attached: Map<string, boolean>;
  stateFiles: Map<string, string>;
  saved: PoolState | null;
  writes: number;
  creates: number;
  /** `<key>/<botId>` of state files imported while that bot already ran there (its move lost its state). */
  lostImports: string[];
  /** Bots two running containers' lists named at once (a bot running twice). */
  doubles: string[];
}

export const newPoolSim = (): PoolSim => ({
  writeMs: 0, observeMs: 0, removed: [], containers: new Map(), lists: new Map(), attached: new Map(), stateFiles: new Map(), saved: null, writes: 0, creates: 0,
  lostImports: [], doubles: [],
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
    setBotsAttached: async (changes) => {
      const before: Record<string, boolean> = {};
      for (const { botId, attached } of changes) {
        before[botId] = sim.attached.get(botId) ?? false;
        sim.attached.set(botId, attached);
      }
      return before;
    },
  };
}

export function fakePoolDockerActivities(sim: PoolSim): PoolDockerActivities {
  // As the real activity reads PostgreSQL: the bots placed in the container, attached, and not moving.
  const botsIn = (key: string) => {
    const c = sim.saved?.containers.find((x) => x.key === key);
    return c ? Object.keys(c.bots).filter((b) => sim.attached.get(b) && !sim.saved?.moving?.includes(b)) : [];
  };
  /** `writes` counts the scaler's own writes, not those of a container starting or of a simulated reconcile. */
  const writeList = (key: string, counted = false): number => {
    if (!sim.containers.get(key)?.running) throw new Error(`pool container ${key} does not exist`);
    if (counted) sim.writes += 1;
    const list = botsIn(key);
    sim.lists.set(key, list);
    for (const b of list) if (!sim.stateFiles.has(`${key}/${b}`)) sim.stateFiles.set(`${key}/${b}`, `state of ${b} from ${key}`);
    const named = [...sim.lists.entries()].filter(([k]) => sim.containers.get(k)?.running).flatMap(([, bots]) => bots);
    for (const b of list) if (named.filter((x) => x === b).length > 1 && !sim.doubles.includes(b)) sim.doubles.push(b);
    return list.length;
  };
  return {
    ensurePoolContainer: async (_poolId, key) => {
      if (!sim.containers.has(key)) sim.creates += 1;
      const host = sim.saved?.containers.find((c) => c.key === key)?.host ?? 'unknown';
      sim.containers.set(key, { host, running: true });
      writeList(key);
      return `id-${key}`;
    },
    observePoolContainers: async (_poolId, host) => {
      const seen = [...sim.containers.entries()]
        .filter(([, c]) => c.host === host)
        .map(([key, c]) => ({ key, host, running: c.running, memoryMb: 40, memoryBytes: 40 * 2 ** 20, memoryLimitBytes: 512 * 2 ** 20, cpuPercent: 1 }));
      if (sim.observeMs) await new Promise((resolve) => setTimeout(resolve, sim.observeMs));
      return seen;
    },
    writeContainerBots: async (_poolId, key) => {
      if (sim.writeMs) await new Promise((resolve) => setTimeout(resolve, sim.writeMs));
      return { bots: writeList(key, true), via: 'socket' as const };
    },
    waitBotReleased: async () => undefined,
    exportBotState: async (_poolId, key, botId) => {
      for (const [k, c] of sim.containers) if (c.running) writeList(k);
      const s = sim.stateFiles.get(`${key}/${botId}`);
      return s === undefined ? null : Buffer.from(s).toString('base64');
    },
    importBotState: async (_poolId, key, botId, data) => {
      if (sim.lists.get(key)?.includes(botId)) sim.lostImports.push(`${key}/${botId}`);
      else sim.stateFiles.set(`${key}/${botId}`, Buffer.from(data, 'base64').toString());
    },
    deleteBotState: async (_poolId, key, botId) => {
      sim.stateFiles.delete(`${key}/${botId}`);
    },
    removePoolContainer: async (_poolId, key) => {
      if (sim.containers.has(key)) sim.removed.push(key);
      sim.containers.delete(key);
      sim.lists.delete(key);
    },
  };
}
