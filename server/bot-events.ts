// Fans PostgreSQL's `bot_changes` notifications out to the owners' SSE streams (one LISTEN connection per server).
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { listen } from './pg-listener.js';

const Change = z.object({ id: z.string(), userId: z.string(), op: z.enum(['insert', 'update', 'delete']) });
export type BotChange = z.infer<typeof Change>;

export interface BotEvents {
  subscribe(userId: string, listener: (change: BotChange) => void): () => void;
  close(): Promise<void>;
}

export async function createBotEvents(databaseUrl: string, log: (msg: string) => void): Promise<BotEvents> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const connection = await listen({
    databaseUrl,
    channels: ['bot_changes'],
    name: 'bot change listener',
    log,
    onNotification: (_channel, payload) => {
      const parsed = Change.safeParse(JSON.parse(payload ?? 'null'));
      if (parsed.success) emitter.emit(parsed.data.userId, parsed.data);
    },
  });

  return {
    subscribe(userId, listener) {
      emitter.on(userId, listener);
      return () => emitter.off(userId, listener);
    },
    close: () => connection.close(),
  };
}
