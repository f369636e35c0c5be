// Market feed (`market-feed:<exchangeId>`): keeps one price-polling activity alive per exchange, forever.
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { MarketFeedActivities } from '../activities/market-feed.js';

export interface MarketFeedInput {
  exchangeId: string;
  /** How long each run polls before continuing as new (keeps the history a dozen events long). Default 1 hour. */
  runForMs?: number;
  /** Ticks of earlier runs, for operators reading the input in the Web UI. */
  ticksBefore?: number;
}

const RUN_FOR_MS = 60 * 60_000;

export async function marketFeedWorkflow(input: MarketFeedInput): Promise<void> {
  const runForMs = input.runForMs ?? RUN_FOR_MS;
  // A failing feed (exchange down, database restarting) is retried forever with backoff; a dead worker is noticed
  // by the missing heartbeat and the activity moves to another one.
  const feed = proxyActivities<MarketFeedActivities>({
    startToCloseTimeout: runForMs + 60_000,
    heartbeatTimeout: '15 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  });
  const progress = await feed.watchPrices({ exchangeId: input.exchangeId, runForMs });
  await continueAsNew<typeof marketFeedWorkflow>({ ...input, ticksBefore: (input.ticksBefore ?? 0) + progress.ticks });
}
