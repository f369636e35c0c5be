// The live feed of the user's portfolio valuation (SSE on /api/portfolio/stream, at most one event a second).
import type { Valuation } from '#lib/types.ts';
import { createEventFeed } from './event-feed.svelte.ts';

export interface ValuationHandlers {
  /** A fresh valuation of everything the user holds. */
  valuation?: (valuation: Valuation) => void;
  /** The stream came back after a break: reload the history the page shows. */
  resync?: () => void;
}

const feed = createEventFeed<{ valuation: Valuation }>('/api/portfolio/stream', ['valuation']);

/** Connection state for a small "live" indicator. */
export const portfolioFeed = feed.status;

/** Subscribe from a component's `$effect`; returns the unsubscribe function (the effect's cleanup). */
export const subscribeValuations = (handlers: ValuationHandlers): (() => void) =>
  feed.subscribe({
    on: { valuation: (valuation) => handlers.valuation?.(valuation) },
    resync: () => handlers.resync?.(),
  });
