// The live feed of the container pools (SSE on /api/pools/stream, operators only): every pool as it is now, sent when
// the connection opens and whenever placement, settings or container stats change (at most twice a second).
import type { PoolView } from '#lib/types.ts';
import { createEventFeed } from './event-feed.svelte.ts';

export interface PoolHandlers {
  pools?: (pools: PoolView[]) => void;
  /** The stream came back after a break; the next snapshot follows at once, this reloads the page's other data. */
  resync?: () => void;
}

const feed = createEventFeed<{ pools: { pools: PoolView[] } }>('/api/pools/stream', ['pools']);

/** Connection state for a small "live" indicator. */
export const poolFeed = feed.status;

/** Subscribe from a component's `$effect`; returns the unsubscribe function (the effect's cleanup). */
export const subscribePools = (handlers: PoolHandlers): (() => void) =>
  feed.subscribe({
    on: { pools: ({ pools }) => handlers.pools?.(pools) },
    resync: () => handlers.resync?.(),
  });
