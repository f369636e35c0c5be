// The one live feed of the user's bots (SSE on /api/bots/events), shared by every page that shows bots.
import type { Bot } from '#lib/types.ts';

export interface BotEventHandlers {
  /** A bot was created or changed (the API also replays every bot when a connection opens). */
  bot?: (bot: Bot) => void;
  /** A bot is gone. */
  deleted?: (id: string) => void;
  /** The stream came back after a break: events may have been missed, so reload what the page shows. */
  resync?: () => void;
}

/** Connection state for a small "live" indicator. */
export const botFeed = $state({ connected: false });

const subscribers = new Set<BotEventHandlers>();
let source: EventSource | null = null;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let retryDelayMs = 1000;
let interrupted = false;

function connect(): void {
  retryTimer = undefined;
  const es = new EventSource('/api/bots/events');
  source = es;

  es.addEventListener('open', () => {
    botFeed.connected = true;
    retryDelayMs = 1000;
    if (interrupted) {
      interrupted = false;
      for (const s of subscribers) s.resync?.();
    }
  });

  es.addEventListener('bot', (event: MessageEvent<string>) => {
    const bot = parse<Bot>(event.data);
    if (bot) for (const s of subscribers) s.bot?.(bot);
  });

  es.addEventListener('bot-deleted', (event: MessageEvent<string>) => {
    const id = parse<{ id: string }>(event.data)?.id;
    if (id) for (const s of subscribers) s.deleted?.(id);
  });

  es.addEventListener('error', () => {
    botFeed.connected = false;
    interrupted = true;
    // EventSource retries network errors by itself, but gives up for good after an HTTP error
    // (a 502 while the API restarts, a 401): then we reconnect ourselves, backing off to 15 s.
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
  botFeed.connected = false;
  interrupted = false;
}

/** Subscribe from a component's `$effect`; returns the unsubscribe function (the effect's cleanup). */
export function subscribeBotEvents(handlers: BotEventHandlers): () => void {
  subscribers.add(handlers);
  if (!source && !retryTimer) connect();
  return () => {
    subscribers.delete(handlers);
    if (subscribers.size === 0) disconnect();
  };
}

function parse<T>(data: string): T | null {
  try {
    return JSON.parse(data) as T;
  } catch {
    return null;
  }
}
