// The one SSE helper: a shared EventSource per stream URL, opened while a page subscribes, reconnecting by itself.

/** Handlers for a feed whose named events carry the JSON payloads in `Events`. */
export interface FeedHandlers<Events> {
  /** One handler per named event; each gets the event's `data` parsed as JSON. */
  on: { [Name in keyof Events]?: (data: Events[Name]) => void };
  /** The stream came back after a break: events may have been missed, so reload what the page shows. */
  resync?: () => void;
}

export interface EventFeed<Events> {
  /** Connection state for a small "live" indicator. */
  readonly status: { connected: boolean };
  /** Subscribe from a component's `$effect`; returns the unsubscribe function (the effect's cleanup). */
  subscribe(handlers: FeedHandlers<Events>): () => void;
}

/**
 * A feed of the server-sent events `names` at `url`. Create one per stream at module level, so every page
 * that shows the same data shares one connection, which stays open only while something subscribes.
 */
export function createEventFeed<Events extends Record<string, unknown>>(
  url: string,
  names: readonly (keyof Events & string)[],
): EventFeed<Events> {
  const status = $state({ connected: false });
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- who listens, not state a component renders
  const subscribers = new Set<FeedHandlers<Events>>();
  let source: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelayMs = 1000;
  let interrupted = false;

  function deliver<Name extends keyof Events & string>(name: Name, data: string): void {
    const payload = parse<Events[Name]>(data);
    if (payload === null) return;
    for (const s of subscribers) s.on[name]?.(payload);
  }

  function connect(): void {
    retryTimer = undefined;
    const es = new EventSource(url);
    source = es;

    es.addEventListener('open', () => {
      status.connected = true;
      retryDelayMs = 1000;
      if (interrupted) {
        interrupted = false;
        for (const s of subscribers) s.resync?.();
      }
    });

    for (const name of names) {
      es.addEventListener(name, (event: MessageEvent<string>) => deliver(name, event.data));
    }

    es.addEventListener('error', () => {
      status.connected = false;
      interrupted = true;
      // EventSource retries network errors by itself (sending Last-Event-ID), but gives up for good after an
      // HTTP error (a 502 while the API restarts, a 401): then we reconnect ourselves, backing off to 15 s.
      if (es.readyState === EventSource.CLOSED && source === es) {
        source = null;
        retryTimer = setTimeout(connect, retryDelayMs);
        retryDelayMs = Math.min(retryDelayMs * 2, 15_000);
      }
    });
  }

  function disconnect(): void {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    source?.close();
    source = null;
    status.connected = false;
    interrupted = false;
  }

  return {
    status,
    subscribe(handlers) {
      subscribers.add(handlers);
      if (!source && !retryTimer) connect();
      return () => {
        subscribers.delete(handlers);
        if (subscribers.size === 0) disconnect();
      };
    },
  };
}

function parse<T>(data: string): T | null {
  try {
    return JSON.parse(data) as T;
  } catch {
    return null;
  }
}
