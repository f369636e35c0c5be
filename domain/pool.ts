// Container pools: settings, the pool's state as its scaler workflow keeps it, and the pure decisions it takes
// (bin packing, scale up, scale down with hysteresis, what a reconcile against Docker changes).
// Deterministic and free of imports: the pool workflow runs this code, and the API validates settings with it.

export interface PoolSettings {
  /** Memory limit of one pool container. */
  containerMemoryMb: number;
  /** Most bots one container takes, whatever their size. */
  maxBotsPerContainer: number;
  /** Free bot slots the pool keeps ready: a new container starts before the last one is full. */
  headroom: number;
  minContainers: number;
  maxContainers: number;
  /** Reconcile cycles a container must stay removable before it is drained (hysteresis). */
  scaleDownCycles: number;
  /** Docker hosts containers may go to (each served by a worker on `docker@<host>`). */
  hosts: string[];
}

/** What the bot host process itself takes before any bot (Node and the shared market hub), measured idle. */
export const CONTAINER_BASE_MB = 48;
/** Declared memory of a builtin bot: its state, API server and strategy, plus its share of candles per pair. */
export const botSizeMb = (pairCount: number): number => 4 + Math.ceil(pairCount / 2);

export const defaultPoolSettings = (host: string): PoolSettings => ({
  containerMemoryMb: 512,
  maxBotsPerContainer: 50,
  headroom: 5,
  minContainers: 0,
  maxContainers: 20,
  scaleDownCycles: 3,
  hosts: [host],
});

export type SettingsCheck = { ok: true; settings: PoolSettings } | { ok: false; field: string; message: string };

const INTEGER_FIELDS: Record<Exclude<keyof PoolSettings, 'hosts'>, [min: number, max: number]> = {
  containerMemoryMb: [96, 16_384],
  maxBotsPerContainer: [1, 500],
  headroom: [0, 500],
  minContainers: [0, 100],
  maxContainers: [1, 100],
  scaleDownCycles: [1, 100],
};
const HOST_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Merges a partial change into the current settings; a bad value names its field and changes nothing. */
export function checkPoolSettings(current: PoolSettings, change: unknown): SettingsCheck {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) return { ok: false, field: '', message: 'expected an object' };
  const next: PoolSettings = { ...current, hosts: [...current.hosts] };
  for (const [field, value] of Object.entries(change as Record<string, unknown>)) {
    if (field === 'hosts') {
      if (!Array.isArray(value) || value.length === 0) return { ok: false, field, message: 'needs at least one Docker host' };
      for (const [i, h] of value.entries()) {
        if (typeof h !== 'string' || !HOST_NAME.test(h)) return { ok: false, field: `hosts.${i}`, message: 'must be a host name (a-z, 0-9, _ and -)' };
      }
      if (new Set(value).size !== value.length) return { ok: false, field, message: 'must not repeat a host' };
      next.hosts = value as string[];
      continue;
    }
    const range = INTEGER_FIELDS[field as keyof typeof INTEGER_FIELDS];
    if (!range) return { ok: false, field, message: 'is not a pool setting' };
    if (typeof value !== 'number' || !Number.isInteger(value)) return { ok: false, field, message: 'must be a whole number' };
    if (value < range[0] || value > range[1]) return { ok: false, field, message: `must be between ${range[0]} and ${range[1]}` };
    (next as unknown as Record<string, number>)[field] = value;
  }
  if (next.minContainers > next.maxContainers) return { ok: false, field: 'minContainers', message: 'must not exceed maxContainers' };
  if (next.containerMemoryMb < CONTAINER_BASE_MB + botSizeMb(1)) {
    return { ok: false, field: 'containerMemoryMb', message: `must hold at least one bot (${CONTAINER_BASE_MB + botSizeMb(1)} MB)` };
  }
  return { ok: true, settings: next };
}

export type ContainerStatus = 'starting' | 'ready' | 'draining' | 'dead';

export interface PoolContainer {
  key: string;
  host: string;
  status: ContainerStatus;
  /** Bots placed here, with their declared size in MB. */
  bots: Record<string, number>;
  /** Memory the container really uses (Docker stats) at the last reconcile; null before the first. */
  liveMb: number | null;
  /** Consecutive reconciles this container could have been drained (scale-down hysteresis). */
  removableCycles: number;
}

export interface PoolState {
  poolId: string;
  settings: PoolSettings;
  containers: PoolContainer[];
  /** Numbers container keys; never reused, so a removed container's name never comes back. */
  seq: number;
  /**
   * Bots moving between containers. No container's bot list names them until the old container has let go and their
   * saved state has arrived, so a moving bot never runs twice nor starts afresh in its new container.
   */
  moving?: string[];
}

export const containerKey = (poolId: string, seq: number): string => `${poolId}-c${seq}`;

const declaredMb = (c: PoolContainer): number => CONTAINER_BASE_MB + Object.values(c.bots).reduce((a, b) => a + b, 0);
const botCount = (c: PoolContainer): number => Object.keys(c.bots).length;
const takesBots = (c: PoolContainer): boolean => c.status === 'ready' || c.status === 'starting';

/** Whether a bot of `sizeMb` fits: by count, by declared sizes, and by live memory when Docker has reported it. */
export function fits(settings: PoolSettings, c: PoolContainer, sizeMb: number): boolean {
  if (!takesBots(c) || botCount(c) >= settings.maxBotsPerContainer) return false;
  if (declaredMb(c) + sizeMb > settings.containerMemoryMb) return false;
  // Live memory may run ahead of what bots declare: keep 10 % of the limit free.
  return c.liveMb === null || c.liveMb + sizeMb <= settings.containerMemoryMb * 0.9;
}

/** Bots a container with no bots could take (count and declared memory). */
export const containerCapacity = (settings: PoolSettings, sizeMb: number): number =>
  Math.max(0, Math.min(settings.maxBotsPerContainer, Math.floor((settings.containerMemoryMb - CONTAINER_BASE_MB) / sizeMb)));

/** Best fit: the container that fits the bot with the least memory left over (ready before starting, then by key). */
export function chooseContainer(state: PoolState, sizeMb: number, exclude: string[] = []): PoolContainer | null {
  const candidates = state.containers.filter((c) => !exclude.includes(c.key) && fits(state.settings, c, sizeMb));
  candidates.sort(
    (a, b) =>
      Number(b.status === 'ready') - Number(a.status === 'ready') ||
      (state.settings.containerMemoryMb - declaredMb(a)) - (state.settings.containerMemoryMb - declaredMb(b)) ||
      a.key.localeCompare(b.key),
  );
  return candidates[0] ?? null;
}

export const findBot = (state: PoolState, botId: string): PoolContainer | null =>
  state.containers.find((c) => botId in c.bots) ?? null;

/** The host for a new container: the one with fewest live containers, in settings order on a tie. */
export function chooseHost(state: PoolState): string {
  const live = (h: string) => state.containers.filter((c) => c.host === h && c.status !== 'dead').length;
  return [...state.settings.hosts].sort((a, b) => live(a) - live(b) || state.settings.hosts.indexOf(a) - state.settings.hosts.indexOf(b))[0]!;
}

/** Free bot slots across containers that take bots, counting a typical bot of `sizeMb`. */
export function freeSlots(state: PoolState, sizeMb: number): number {
  let free = 0;
  for (const c of state.containers) {
    if (!takesBots(c)) continue;
    const byCount = state.settings.maxBotsPerContainer - botCount(c);
    const byMemory = Math.floor((state.settings.containerMemoryMb - declaredMb(c)) / sizeMb);
    free += Math.max(0, Math.min(byCount, byMemory));
  }
  return free;
}

export type ScaleDecision = { kind: 'add'; host: string } | { kind: 'drain'; key: string } | { kind: 'remove'; key: string } | { kind: 'none' };

/**
 * One scaling step, given the pool as it is now: add a container when free slots fall below the headroom (or below
 * minContainers); remove an empty container, or drain the emptiest one, only when the others keep the headroom and the
 * container has been removable for `scaleDownCycles` reconciles. Call again after applying a decision.
 */
export function decideScaling(state: PoolState, typicalBotMb: number): ScaleDecision {
  const s = state.settings;
  const live = state.containers.filter(takesBots);
  const draining = state.containers.filter((c) => c.status === 'draining');
  const emptyDraining = draining.find((c) => botCount(c) === 0);
  if (emptyDraining) return { kind: 'remove', key: emptyDraining.key };
  if (live.length < s.maxContainers && (live.length < s.minContainers || freeSlots(state, typicalBotMb) < s.headroom)) {
    if (containerCapacity(s, typicalBotMb) > 0) return { kind: 'add', host: chooseHost(state) };
  }
  if (draining.length > 0 || live.length <= s.minContainers) return { kind: 'none' };
  const victim = [...live].filter((c) => c.status === 'ready').sort((a, b) => botCount(a) - botCount(b) || b.key.localeCompare(a.key))[0];
  if (!victim || victim.removableCycles < s.scaleDownCycles || !removable(state, victim, typicalBotMb)) return { kind: 'none' };
  return botCount(victim) === 0 ? { kind: 'remove', key: victim.key } : { kind: 'drain', key: victim.key };
}

/** A container can go when its bots fit in the others and the others still keep the headroom. */
export function removable(state: PoolState, victim: PoolContainer, typicalBotMb: number): boolean {
  const s = state.settings;
  if (state.containers.filter(takesBots).length <= s.minContainers) return false;
  const others: PoolState = { ...state, containers: state.containers.filter((c) => c.key !== victim.key).map((c) => ({ ...c, bots: { ...c.bots } })) };
  for (const [botId, size] of Object.entries(victim.bots)) {
    const target = chooseContainer(others, size);
    if (!target) return false;
    target.bots[botId] = size;
  }
  return freeSlots(others, typicalBotMb) >= s.headroom;
}

/** Updates every container's hysteresis counter; run once per reconcile cycle. */
export function countRemovable(state: PoolState, typicalBotMb: number): void {
  for (const c of state.containers) {
    c.removableCycles = c.status === 'ready' && removable(state, c, typicalBotMb) ? c.removableCycles + 1 : 0;
  }
}

/** What Docker reported for one pool container. */
export interface ObservedContainer {
  key: string;
  host: string;
  running: boolean;
  memoryMb: number | null;
}

export interface ReconcilePlan {
  /** Containers in our state that Docker no longer runs: their bots must be placed again. */
  dead: string[];
  /** Running containers of this pool that our state does not know: taken in, empty. */
  adopt: ObservedContainer[];
  /** Stopped containers of this pool that our state does not know: removed. */
  orphans: ObservedContainer[];
}

/**
 * Compares the state with what Docker runs on the hosts that answered; containers still starting are not judged.
 * `upBeforeLook`: the containers that were up when the look at Docker began; only those can be missing from it (one
 * whose start finished while the look was under way may have been created after Docker was listed).
 */
export function planReconcile(state: PoolState, observed: ObservedContainer[], hostsAnswered: string[], upBeforeLook?: ReadonlySet<string>): ReconcilePlan {
  const byKey = new Map(observed.map((o) => [o.key, o]));
  const known = new Set(state.containers.map((c) => c.key));
  const dead = state.containers
    .filter((c) => c.status !== 'starting' && c.status !== 'dead' && hostsAnswered.includes(c.host) && (!upBeforeLook || upBeforeLook.has(c.key)))
    .filter((c) => !byKey.get(c.key)?.running)
    .map((c) => c.key);
  const strangers = observed.filter((o) => !known.has(o.key));
  return { dead, adopt: strangers.filter((o) => o.running), orphans: strangers.filter((o) => !o.running) };
}

/** What a bot lifecycle asks the pool: a place for the bot, and whether it should run there now. */
export interface BotPlacementRequest {
  botId: string;
  sizeMb: number;
  run: boolean;
}

export interface PlacedBot {
  poolId: string;
  containerKey: string;
  host: string;
}

/** Docker labels of pool containers: how the reconcile finds them again. */
export const poolLabels = (poolId: string, key: string): Record<string, string> => ({
  'tradefleet.pool': poolId,
  'tradefleet.pool-container': key,
  'tradefleet.managed': 'true',
});

/** A pool as operators see it (API and dashboard): its containers with Docker's figures, and the bots in each. */
export interface PoolBotView {
  botId: string;
  name: string;
  status: string;
  attached: boolean;
  ownerEmail: string;
}

export interface PoolContainerView {
  key: string;
  host: string;
  status: ContainerStatus;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  cpuPercent: number | null;
  statsAt: string | null;
  bots: PoolBotView[];
}

export interface PoolView {
  id: string;
  taskQueue: string;
  settings: PoolSettings;
  updatedAt: string;
  containers: PoolContainerView[];
}
