// FreqTrade pools: which pool a bot is placed in, and what a pooled FreqTrade bot declares to the bin packing.
//
// Design choice (issue 15): a FreqTrade pool is a second pool of the same scaler workflow (workflows/pool.ts), with the
// id `<BOT_POOL_ID>-freqtrade`, not containers of another engine kind inside one pool. The scaler's decisions (bin
// packing, headroom, drain, moves, reconcile, hosts) are engine-blind already: a container takes bots by declared size
// and count. What differs per engine is only what runs in a container and how a bot's state travels, and that is the
// Docker host's business (activities/freqtrade-pool-containers.ts, chosen by the pool id). So no workflow code changed:
// recorded histories replay as before, and builtin and FreqTrade bots never share a container (a FreqTrade container's
// parent imports FreqTrade; a builtin one runs Node), while the pools page shows both side by side.
import { defaultPoolSettings, botSizeMb, type PoolSettings } from './pool.js';

export const FREQTRADE_POOL_SUFFIX = '-freqtrade';

export const freqtradePoolId = (basePoolId: string): string => `${basePoolId}${FREQTRADE_POOL_SUFFIX}`;
export const isFreqtradePool = (poolId: string): boolean => poolId.endsWith(FREQTRADE_POOL_SUFFIX);

/**
 * What a pooled FreqTrade bot declares to the packing: its private memory (about 52 MiB measured with 2 pairs, see
 * docs/freqtrade-bots.md) plus room to grow, and its share of the pool parent (about 316 MiB, shared by every bot of
 * the container), which the scaler's fixed container base does not know about.
 */
export const FREQTRADE_POOLED_BOT_MB = 80;

/** The size a bot asks the pool for: builtin bots by their pairs, FreqTrade bots by the measured figure above. */
export const placementSizeMb = (engine: 'builtin' | 'freqtrade', pairCount: number): number =>
  engine === 'freqtrade' ? FREQTRADE_POOLED_BOT_MB + Math.max(0, pairCount - 2) * 2 : botSizeMb(pairCount);

/**
 * A new FreqTrade pool's settings: one container takes up to 50 bots (50 measured 2,910 MiB by docker stats), and no
 * container is kept ready ahead of need (headroom 0): an idle FreqTrade parent costs about 316 MiB, and a container
 * starts in seconds (the bots' FreqTrade start takes longer either way).
 */
export const defaultFreqtradePoolSettings = (host: string, hosts?: string[]): PoolSettings => ({
  ...defaultPoolSettings(host),
  ...(hosts?.length ? { hosts } : {}),
  containerMemoryMb: 4608,
  maxBotsPerContainer: 50,
  headroom: 0,
});

/** How a pooled bot's process last ended, as its pool container's parent records it (freqtrade/tf_pool.py). */
export interface PoolExit {
  /** Unix time in seconds. */
  at: number;
  code: number;
  /** `exited`, `signal <n>`, or why the pool ended it: `hung`, `memory`, `sandbox`. */
  reason: string;
}

/** Whether FreqTrade's own log may say why (an exit of its own with an error code, or a sandbox that failed). */
export const exitHasLogReason = (exit: PoolExit): boolean => (exit.reason === 'exited' && exit.code !== 0) || exit.reason === 'sandbox';

/** The line a bot's owner reads: what ended the process, when, and FreqTrade's error line when there is one. */
export function describePoolExit(exit: PoolExit, errorLine: string | null): string {
  const what =
    exit.reason === 'exited' ? `exited with code ${exit.code}`
    : exit.reason === 'hung' ? 'restarted by its pool: its API stopped answering'
    : exit.reason === 'memory' ? 'restarted by its pool: over its private-memory budget'
    : exit.reason === 'sandbox' ? 'could not enter its sandbox'
    : `ended by ${exit.reason}`;
  return `${what} at ${new Date(exit.at * 1000).toISOString()}${errorLine ? `: ${errorLine}` : ''}`;
}
