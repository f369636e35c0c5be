// Operator commands to a pool scaler workflow (`pool:<poolId>`) through Temporal: settings, scale, drain, move. The
// workflow's validators refuse a bad command before it enters history; a field error becomes a 400 naming the field.
import type { Client } from '@temporalio/client';
import type { PlacedBot, PoolSettings } from '../domain/pool.js';
import { poolWorkflowId } from '../domain/workflow-ids.js';
import { configurePool, drainContainer, relocateBot, scalePool } from '../workflows/pool-messages.js';
import { updateErrorAsHttp } from './update-errors.js';

export interface PoolCommands {
  /** Merges a partial change into the pool's settings; answers the settings now in force. */
  configure(poolId: string, change: unknown): Promise<PoolSettings>;
  /** Scales the pool to `containers` live containers; answers how many it has once done. */
  scale(poolId: string, containers: number): Promise<number>;
  /** Moves every bot of the container elsewhere; the scaler removes it once empty. */
  drain(poolId: string, containerKey: string): Promise<void>;
  relocate(poolId: string, botId: string, containerKey: string): Promise<PlacedBot>;
}

const asHttpError: (error: unknown) => never = updateErrorAsHttp('the pool scaler is not running; it starts again with the next bot placed in the pool');

export function createPoolCommands(client: Client): PoolCommands {
  const pool = (poolId: string) => client.workflow.getHandle(poolWorkflowId(poolId));
  return {
    configure: (poolId, change) => pool(poolId).executeUpdate(configurePool, { args: [change] }).catch(asHttpError),
    scale: (poolId, containers) => pool(poolId).executeUpdate(scalePool, { args: [containers] }).catch(asHttpError),
    drain: (poolId, key) => pool(poolId).executeUpdate(drainContainer, { args: [key] }).catch(asHttpError),
    relocate: (poolId, botId, key) => pool(poolId).executeUpdate(relocateBot, { args: [botId, key] }).catch(asHttpError),
  };
}
