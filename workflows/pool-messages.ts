// The pool scaler's messages (`pool:<poolId>`), apart from its code so the API and tests can import them lightly.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BotPlacementRequest, PlacedBot, PoolSettings, PoolState } from '../domain/pool.js';

export interface PoolWorkflowInput {
  poolId: string;
  /** Settings for a pool that has no saved state yet. */
  settings: PoolSettings;
  carried?: PoolState;
}

export const placeBot = defineUpdate<PlacedBot, [BotPlacementRequest]>('placeBot');
/** A deleted bot leaves the pool; `apiPort` lets the scaler wait for its host to let go before deleting its saved state. */
export const releaseBot = defineSignal<[botId: string, apiPort?: number]>('releaseBot');
export const configurePool = defineUpdate<PoolSettings, [change: unknown]>('configurePool');
export const scalePool = defineUpdate<number, [containers: number]>('scalePool');
export const drainContainer = defineUpdate<void, [key: string]>('drainContainer');
export const relocateBot = defineUpdate<PlacedBot, [botId: string, key: string]>('relocateBot');
export const poolState = defineQuery<PoolState>('state');

