// The live feed of the user's position and risk guards (SSE on /api/guards/stream): a whole snapshot whenever
// anything changes (prices tick about once a second; the API sends at most two snapshots a second).
import type { GuardsSnapshot } from '#lib/types.ts';
import { createEventFeed } from './event-feed.svelte.ts';

export interface GuardHandlers {
  /** Every guard and risk guard of the user, as they are now (also sent when a connection opens). */
  guards?: (snapshot: GuardsSnapshot) => void;
  /** The stream came back after a break: reload what the page shows beyond the snapshot (event logs). */
  resync?: () => void;
}

const feed = createEventFeed<{ guards: GuardsSnapshot }>('/api/guards/stream', ['guards']);

/** Connection state for a small "live" indicator. */
export const guardFeed = feed.status;

/** Subscribe from a component's `$effect`; returns the unsubscribe function (the effect's cleanup). */
export const subscribeGuards = (handlers: GuardHandlers): (() => void) =>
  feed.subscribe({
    on: { guards: (snapshot) => handlers.guards?.(snapshot) },
    resync: () => handlers.resync?.(),
  });
