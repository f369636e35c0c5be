// The fleet reconciler's decisions: what a bot's row says against what was seen of it, and the repair each mismatch needs.
import { freqtradePoolId } from './freqtrade-pool.js';

/** A bot is repaired once its API has not answered for this long, so it never shows `running` for 30 s while dead. */
export const UNREACHABLE_GRACE_MS = 10_000;
/** A bot whose row says `starting` for this long with no start under way lost its place in a crash: start it again. */
export const STUCK_STARTING_MS = 120_000;

export interface BotSighting {
  botId: string;
  status: string;
  /** When the row last changed (ISO). */
  updatedAt: string;
  /** When the API was first found not answering (ISO), kept across passes; null while it answers. */
  unreachableSince: string | null;
  /** Whether the API answered in this pass. */
  answers: boolean;
}

export type Repair = { botId: string; kind: 'restart'; reason: string };

/** The repairs one pass sends to the bots' own workflows (which alone change their status). */
export function planRepairs(sightings: readonly BotSighting[], now: number): Repair[] {
  const repairs: Repair[] = [];
  for (const s of sightings) {
    if (s.status === 'running' && !s.answers && s.unreachableSince !== null && now - Date.parse(s.unreachableSince) >= UNREACHABLE_GRACE_MS) {
      repairs.push({ botId: s.botId, kind: 'restart', reason: `unreachable since ${s.unreachableSince}` });
    } else if (s.status === 'starting' && !s.answers && now - Date.parse(s.updatedAt) >= STUCK_STARTING_MS) {
      repairs.push({ botId: s.botId, kind: 'restart', reason: `starting since ${s.updatedAt} with no start under way` });
    }
  }
  return repairs;
}

/** A Docker leftover is removed only once it is this old: a provisioning under way may be about to use a younger one. */
export const ORPHAN_MIN_AGE_MS = 60_000;
/** A pool-state stand-in container lives for one copy of a state file; one this old was left by a crash. */
export const STAND_IN_MIN_AGE_MS = 5 * 60_000;

/** A container or volume tradefleet labelled, as the sweep sees it. */
export interface DockerThing {
  kind: 'container' | 'volume';
  /** Docker id (container) or name (volume). */
  id: string;
  name: string;
  labels: Record<string, string>;
  createdAt: number;
}

/** What this deployment's database knows of the labels found. */
export interface SweepFacts {
  poolId: string;
  /** Bot ids that have a row. */
  bots: ReadonlySet<string>;
  /** User ids of this database: a bot labelled with another user belongs to another deployment. */
  users: ReadonlySet<string>;
  /** Pool container keys the scalers know (the builtin pool's and the FreqTrade pool's), and those Docker still has a container for. */
  poolKeys: ReadonlySet<string>;
  poolContainers: ReadonlySet<string>;
}

/** The pool container key a pool state volume belongs to: `tf-pool-<key>-state` (builtin), `tf-ftpool-<key>` (FreqTrade). */
const poolStateKey = (volumeName: string): string | null =>
  /^tf-pool-(.+)-state$/.exec(volumeName)?.[1] ?? /^tf-ftpool-(.+)$/.exec(volumeName)?.[1] ?? null;

/**
 * What the sweep removes, with why: a bot's container or volume whose bot has no row (and whose user is of this
 * deployment), a state volume of this pool that no container and no scaler state names, a stand-in a crash left behind.
 * Running pool containers are not here: the pool scaler adopts or removes its strangers (workflows/pool.ts).
 */
export function pickOrphans(things: readonly DockerThing[], facts: SweepFacts, now: number): Array<DockerThing & { reason: string }> {
  const picked: Array<DockerThing & { reason: string }> = [];
  // This deployment's pools: the builtin one and its FreqTrade pool (domain/freqtrade-pool.ts).
  const ofPool = (key: string) => key.startsWith(`${facts.poolId}-c`) || key.startsWith(`${freqtradePoolId(facts.poolId)}-c`);
  for (const t of things) {
    const age = now - t.createdAt;
    const botId = t.labels['tradefleet.bot'];
    const userId = t.labels['tradefleet.user'];
    const standInOf = t.labels['tradefleet.pool-state-of'];
    const stateKey = t.kind === 'volume' ? poolStateKey(t.name) : null;
    if (botId && userId && facts.users.has(userId) && !facts.bots.has(botId) && age >= ORPHAN_MIN_AGE_MS) {
      picked.push({ ...t, reason: `bot ${botId} no longer exists` });
    } else if (t.kind === 'container' && standInOf && ofPool(standInOf) && age >= STAND_IN_MIN_AGE_MS) {
      picked.push({ ...t, reason: `state stand-in of ${standInOf} left by a crash` });
    } else if (stateKey && ofPool(stateKey) && !facts.poolKeys.has(stateKey) && !facts.poolContainers.has(stateKey) && age >= ORPHAN_MIN_AGE_MS) {
      picked.push({ ...t, reason: `state volume of pool container ${stateKey}, which the pool no longer has` });
    }
  }
  return picked;
}
