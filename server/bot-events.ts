// Fans PostgreSQL's `bot_changes` notifications out to the owners' SSE streams (one LISTEN connection per server).
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { z } from 'zod';

const Change = z.object({ id: z.string(), userId: z.string(), op: z.enum(['insert', 'update', 'delete']) });
export type BotChange = z.infer<typeof Change>;

export interface BotEvents {
  subscribe(userId: string, listener: (change: BotChange) => void): () => void;
  close(): Promise<void>;
}

export async function createBotEvents(databaseUrl: string, log: (msg: string) => void): Promise<BotEvents> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let client: pg.Client | null = null;
  let closed = false;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('notification', (n) => {
      const parsed = Change.safeParse(JSON.parse(n.payload ?? 'null'));
      if (parsed.success) emitter.emit(parsed.data.userId, parsed.data);
    });
    c.on('error', (error) => {
      log(`bot change listener lost its connection (${error.message}); reconnecting`);
      client = null;
      void c.end().catch(() => undefined);
      if (!closed) setTimeout(() => void connect().catch((e: Error) => log(`reconnect failed: ${e.message}`)), 1000);
    });
    await c.connect();
    await c.query('listen bot_changes');
    client = c;
  };
  await connect();

  return {
    subscribe(userId, listener) {
      emitter.on(userId, listener);
      return () => emitter.off(userId, listener);
    },
    async close() {
      closed = true;
      await client?.end();
    },
  };
}
