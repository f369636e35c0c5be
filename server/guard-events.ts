// Fans PostgreSQL's `guard_changes` notifications (payload: the owner's user id) out to the owners' guard streams,
// over one LISTEN connection per server that reconnects by itself.
import { EventEmitter } from 'node:events';
import { listen } from './pg-listener.js';

export interface GuardEvents {
  subscribe(userId: string, listener: () => void): () => void;
  close(): Promise<void>;
}

/** Emitted for every subscriber after a reconnect: notices may have been missed meanwhile. */
const RESYNC = 'resync';

export async function createGuardEvents(databaseUrl: string, log: (msg: string) => void): Promise<GuardEvents> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const connection = await listen({
    databaseUrl,
    channels: ['guard_changes'],
    name: 'guard change listener',
    log,
    onNotification: (_channel, payload) => {
      if (payload) emitter.emit(`user:${payload}`);
    },
    onReconnect: () => emitter.emit(RESYNC),
  });

  return {
    subscribe(userId, listener) {
      emitter.on(`user:${userId}`, listener);
      emitter.on(RESYNC, listener);
      return () => {
        emitter.off(`user:${userId}`, listener);
        emitter.off(RESYNC, listener);
      };
    },
    close: () => connection.close(),
  };
}
