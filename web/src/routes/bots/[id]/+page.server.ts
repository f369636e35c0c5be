// /bots/[id]: one bot, its workflow and its trading; start, stop, delete, force-exit and strategy moves are form
// actions (they work without JavaScript).
import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { BOT_STATUSES, commandAllowed, type BotCommand, type BotStatus } from '#domain/bot.ts';
import { commandBot, deleteBot, forceExit, getBot, getTrading, moveBot } from '#lib/api/bots.server.ts';
import { listStrategies } from '#lib/api/strategies.server.ts';
import { ApiError } from '#lib/api/http.server.ts';
import type { Actions, PageServerLoad } from './$types';

// The domain decides which commands each status accepts; the page gets that table so buttons follow live statuses.
const COMMANDS: readonly BotCommand[] = ['start', 'stop', 'delete', 'move'];
const ALLOWED = Object.fromEntries(
  BOT_STATUSES.map((status) => [status, COMMANDS.filter((command) => commandAllowed(status, command))]),
) as Record<BotStatus, BotCommand[]>;

export const load: PageServerLoad = async (event) => {
  await event.parent();
  try {
    const { bot, workflow, placement } = await getBot(event, event.params.id);
    // Open trades, profit and balance come from the bot's own REST API, so only a running bot has them.
    const trading = bot.status === 'running'
      ? await getTrading(event, bot.id).then((view) => ({ view, error: null }), (e: unknown) => {
          if (e instanceof ApiError) return { view: null, error: e.body.message };
          throw e;
        })
      : { view: null, error: null };
    const strategies = (await listStrategies(event)).filter((s) => s.engine === bot.engine);
    return { bot, workflow, placement: { ...placement, at: new Date().toISOString() }, allowed: ALLOWED, trading, strategies };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) error(404, 'No such bot (it may have been deleted).');
    throw e;
  }
};

async function run(event: RequestEvent<{ id: string }>, command: 'start' | 'stop') {
  try {
    return { bot: await commandBot(event, event.params.id, command) };
  } catch (e) {
    if (e instanceof ApiError) return fail(e.status, { command, message: e.body.message });
    throw e;
  }
}

export const actions: Actions = {
  start: (event) => run(event, 'start'),
  forceexit: async (event) => {
    const tradeId = Number((await event.request.formData()).get('tradeId'));
    try {
      await forceExit(event, event.params.id, tradeId);
      return { exited: tradeId };
    } catch (e) {
      if (e instanceof ApiError) return fail(e.status, { command: 'forceexit' as const, message: e.body.message });
      throw e;
    }
  },
  // Answers after the bot moved, or after it was rolled back to its previous version (the reason is shown).
  move: async (event) => {
    const strategyVersionId = String((await event.request.formData()).get('strategyVersionId') ?? '');
    try {
      const { move } = await moveBot(event, event.params.id, { strategyVersionId });
      if (!move.moved) return fail(409, { command: 'move' as const, message: `the move was rolled back: ${move.error ?? 'not healthy in time'}` });
      return { moved: true };
    } catch (e) {
      if (e instanceof ApiError) return fail(e.status, { command: 'move' as const, message: e.body.message });
      throw e;
    }
  },
  stop: (event) => run(event, 'stop'),
  // The first press only asks for confirmation (also without JavaScript); the confirm button sends confirm=yes.
  delete: async (event) => {
    const form = await event.request.formData();
    if (form.get('confirm') !== 'yes') return { confirmDelete: true };
    try {
      await deleteBot(event, event.params.id);
    } catch (e) {
      if (e instanceof ApiError) return fail(e.status, { command: 'delete' as const, message: e.body.message });
      throw e;
    }
    redirect(303, '/bots');
  },
};
