// One LISTEN connection to PostgreSQL for a set of channels, which reconnects by itself when the connection drops.
// The server's change feeds (bots, portfolio, guards, pools) each hold one and fan its notices out to their streams.
import pg from 'pg';

export interface PgListenerOptions {
  databaseUrl: string;
  channels: readonly string[];
  /** Names the feed in log lines ("guard change listener lost its connection ..."). */
  name: string;
  log: (msg: string) => void;
  onNotification: (channel: string, payload: string | undefined) => void;
  /** After a reconnect: notices sent while the connection was down were missed. */
  onReconnect?: () => void;
}

export interface PgListener {
  close(): Promise<void>;
}

const RECONNECT_DELAY_MS = 1000;

export async function listen(options: PgListenerOptions): Promise<PgListener> {
  const { databaseUrl, channels, name, log } = options;
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  // Keeps trying while the database is away: one failed attempt must not leave the feed silent for good.
  const reconnectLater = (): void => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      connect(true).catch((e: Error) => {
        log(`${name} could not reconnect (${e.message}); trying again`);
        reconnectLater();
      });
    }, RECONNECT_DELAY_MS);
  };

  const connect = async (reconnect: boolean): Promise<void> => {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('notification', (n) => options.onNotification(n.channel, n.payload));
    c.on('error', (error) => {
      log(`${name} lost its connection (${error.message}); reconnecting`);
      if (client === c) client = null;
      void c.end().catch(() => undefined);
      reconnectLater();
    });
    try {
      await c.connect();
      for (const channel of channels) await c.query(`listen ${channel}`);
    } catch (error) {
      void c.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await c.end();
      return;
    }
    client = c;
    if (reconnect) options.onReconnect?.();
  };
  await connect(false);

  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end();
    },
  };
}
