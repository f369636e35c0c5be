// Fans PostgreSQL's `pool_changes` notifications (payload: the pool's id) out to the operators' pool streams, over one
// LISTEN connection per server that reconnects by itself.
import { EventEmitter } from 'node:events';
import { listen } from './pg-listener.js';

export interface PoolEvents {
  /** `poolId` changed (placement, settings or container stats); null after a reconnect: any pool may have. */
  subscribe(listener: (poolId: string | null) => void): () => void;
  close(): Promise<void>;
}

const CHANGE = 'change';

export async function createPoolEvents(databaseUrl: string, log: (msg: string) => void): Promise<PoolEvents> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const connection = await listen({
    databaseUrl,
    channels: ['pool_changes'],
    name: 'pool change listener',
    log,
    onNotification: (_channel, payload) => {
      if (payload) emitter.emit(CHANGE, payload);
    },
    onReconnect: () => emitter.emit(CHANGE, null),
  });

  return {
    subscribe(listener) {
      emitter.on(CHANGE, listener);
      return () => void emitter.off(CHANGE, listener);
    },
    close: () => connection.close(),
  };
}
