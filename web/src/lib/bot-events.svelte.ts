// The live feed of the user's bots (SSE on /api/bots/events), shared by every page that shows bots.
import type { Bot } from '#lib/types.ts';
import { createEventFeed } from './event-feed.svelte.ts';

export interface BotEventHandlers {
  /** A bot was created or changed (the API also replays every bot when a connection opens). */
  bot?: (bot: Bot) => void;
  /** A bot is gone. */
  deleted?: (id: string) => void;
  /** The stream came back after a break: events may have been missed, so reload what the page shows. */
  resync?: () => void;
}

const feed = createEventFeed<{ bot: Bot; 'bot-deleted': { id: string } }>('/api/bots/events', ['bot', 'bot-deleted']);

/** Connection state for a small "live" indicator. */
export const botFeed = feed.status;

/** Subscribe from a component's `$effect`; returns the unsubscribe function (the effect's cleanup). */
export const subscribeBotEvents = (handlers: BotEventHandlers): (() => void) =>
  feed.subscribe({
    on: {
      bot: (bot) => handlers.bot?.(bot),
      'bot-deleted': ({ id }) => {
        if (id) handlers.deleted?.(id);
      },
    },
    resync: () => handlers.resync?.(),
  });
