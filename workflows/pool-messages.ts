// The pool scaler's messages (`pool:<poolId>`), apart from its code so the API and tests can import them lightly.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BotPlacementRequest, PlacedBot, PoolSettings, PoolState } from '../domain/pool.js';
import type { PlacementRequest } from '../domain/pool-queue.js';

export interface PoolWorkflowInput {
  poolId: string;
  /** Settings for a pool that has no saved state yet. */
  settings: PoolSettings;
  carried?: PoolState;
  /** Task queue of the scaler's PostgreSQL activities (poolTaskQueue); the workflow's own queue when absent (older runs). */
  activityQueue?: string;
  /** Placement requests still queued when the last run continued as new. */
  pending?: PlacementRequest[];
}

/** Placement as an update (bots provisioned before placement went by signal; kept so their runs and histories replay). */
export const placeBot = defineUpdate<PlacedBot, [BotPlacementRequest]>('placeBot');
/** A deleted bot leaves the pool; `apiPort` lets the scaler wait for its host to let go before deleting its saved state. */
export const releaseBot = defineSignal<[botId: string, apiPort?: number]>('releaseBot');
export const configurePool = defineUpdate<PoolSettings, [change: unknown]>('configurePool');
export const scalePool = defineUpdate<number, [containers: number]>('scalePool');
export const drainContainer = defineUpdate<void, [key: string]>('drainContainer');
export const relocateBot = defineUpdate<PlacedBot, [botId: string, key: string]>('relocateBot');
export const poolState = defineQuery<PoolState>('state');
/** A bot asks for a place (or to stop in it); the scaler queues it and answers the bot workflow with `placementAnswer`. */
export const requestPlacement = defineSignal<[PlacementRequest]>('requestPlacement');
/** 1-based place of a bot's request in the scaler's queue, or null when it is not waiting. */
export const placementPosition = defineQuery<number | null, [botId: string]>('placementPosition');

