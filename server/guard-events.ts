// Fans PostgreSQL's `guard_changes` notifications (payload: the owner's user id) out to the owners' guard streams,
// over one LISTEN connection per server that reconnects by itself.
import { EventEmitter } from 'node:events';
import pg from 'pg';

export interface GuardEvents {
  subscribe(userId: string, listener: () => void): () => void;
  close(): Promise<void>;
}

/** Emitted for every subscriber after a reconnect: notices may have been missed meanwhile. */
const RESYNC = 'resync';

export async function createGuardEvents(databaseUrl: string, log: (msg: string) => void): Promise<GuardEvents> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let client: pg.Client | null = null;
  let closed = false;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('notification', (n) => {
      if (n.payload) emitter.emit(`user:${n.payload}`);
    });
    c.on('error', (error) => {
      log(`guard change listener lost its connection (${error.message}); reconnecting`);
      client = null;
      void c.end().catch(() => undefined);
      if (!closed) setTimeout(() => void connect().then(() => emitter.emit(RESYNC)).catch((e: Error) => log(`reconnect failed: ${e.message}`)), 1000);
    });
    await c.connect();
    await c.query('listen guard_changes');
    client = c;
  };
  await connect();

  return {
    subscribe(userId, listener) {
      emitter.on(`user:${userId}`, listener);
      emitter.on(RESYNC, listener);
      return () => {
        emitter.off(`user:${userId}`, listener);
        emitter.off(RESYNC, listener);
      };
    },
    async close() {
      closed = true;
      await client?.end();
    },
  };
}
