// Fans PostgreSQL's `price_changes`, `wallet_changes` and `trade_changes` out to portfolio streams (one LISTEN connection).
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { listen } from './pg-listener.js';

const PriceChange = z.object({ exchangeId: z.string(), symbols: z.array(z.string()) });
export type PriceChange = z.infer<typeof PriceChange>;
const UserChange = z.object({ userId: z.string() });

const CHANNELS = ['price_changes', 'wallet_changes', 'trade_changes'] as const;
/** Emitter event for every user after a reconnect: notifications may have been missed meanwhile. */
const RESYNC = Symbol('resync');
const PRICES = Symbol('prices');

export interface PortfolioEvents {
  /** Prices that moved on one exchange. */
  onPrices(listener: (change: PriceChange) => void): () => void;
  /** A wallet snapshot or a bot trade of this user changed. */
  onUserChange(userId: string, listener: () => void): () => void;
  /** The listener reconnected: anything may have changed. */
  onResync(listener: () => void): () => void;
  close(): Promise<void>;
}

export async function createPortfolioEvents(databaseUrl: string, log: (msg: string) => void): Promise<PortfolioEvents> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);

  const dispatch = (channel: string, payload: string | undefined): void => {
    let json: unknown;
    try {
      json = JSON.parse(payload ?? 'null');
    } catch {
      return;
    }
    if (channel === 'price_changes') {
      const parsed = PriceChange.safeParse(json);
      if (parsed.success) emitter.emit(PRICES, parsed.data);
    } else {
      const parsed = UserChange.safeParse(json);
      if (parsed.success) emitter.emit(parsed.data.userId);
    }
  };

  const connection = await listen({
    databaseUrl,
    channels: CHANNELS,
    name: 'portfolio change listener',
    log,
    onNotification: dispatch,
    onReconnect: () => emitter.emit(RESYNC),
  });

  const on = <A extends unknown[]>(event: string | symbol, listener: (...args: A) => void) => {
    emitter.on(event, listener as (...args: unknown[]) => void);
    return () => void emitter.off(event, listener as (...args: unknown[]) => void);
  };
  return {
    onPrices: (listener) => on(PRICES, listener),
    onUserChange: (userId, listener) => on(userId, listener),
    onResync: (listener) => on(RESYNC, listener),
    close: () => connection.close(),
  };
}
