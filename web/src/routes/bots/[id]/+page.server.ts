// /bots/[id]: one bot, its workflow and its trading; start, stop, delete, force-exit and strategy moves are form
// actions (they work without JavaScript).
import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { BOT_STATUSES, commandAllowed, type BotCommand, type BotStatus } from '#domain/bot.ts';
import { commandBot, forceExit, getBot, getTrading, moveBot } from '#lib/api/bots.server.ts';
import { deleteBotExitingTrades, DELETED_FLASH } from '#lib/api/bot-delete.server.ts';
import { listGuards } from '#lib/api/guards.server.ts';
import { listStrategies } from '#lib/api/strategies.server.ts';
import { ApiError } from '#lib/api/http.server.ts';
import { formatExitOutcome } from '#lib/format.ts';
import type { Actions, PageServerLoad } from './$types';

// The domain decides which commands each status accepts; the page gets that table so buttons follow live statuses.
const COMMANDS: readonly BotCommand[] = ['start', 'stop', 'delete', 'move'];
const ALLOWED = Object.fromEntries(
  BOT_STATUSES.map((status) => [status, COMMANDS.filter((command) => commandAllowed(status, command))]),
) as Record<BotStatus, BotCommand[]>;

/** What the page invalidates to read the bot's trading again (every few seconds while it runs). */
const TRADING = 'app:bot-trading';

export const load: PageServerLoad = async (event) => {
  await event.parent();
  event.depends(TRADING);
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
    // The guards that watch this bot: the delete dialog says they end.
    const all = await listGuards(event);
    const guards = {
      position: all.guards.filter((g) => g.target.kind === 'bot_trade' && g.target.botId === bot.id && (g.state === 'watching' || g.state === 'exiting')),
      risk: all.riskGuards.filter((r) => r.scope.kind === 'bot' && r.scope.botId === bot.id && r.state !== 'cancelled'),
    };
    const now = new Date().toISOString();
    return { bot, workflow, placement: { ...placement, at: now }, allowed: ALLOWED, trading, tradingAt: now, strategies, guards };
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
  // Like delete, the first press only asks (the page shows the question); confirm=yes exits and reports the result.
  forceexit: async (event) => {
    const form = await event.request.formData();
    const tradeId = Number(form.get('tradeId'));
    if (form.get('confirm') !== 'yes') return { confirmExit: tradeId };
    try {
      const { exit, trading } = await forceExit(event, event.params.id, tradeId);
      return { exited: { outcome: exit, text: formatExitOutcome(exit, trading.balance.currency) } };
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
  // The first press only asks for confirmation (also without JavaScript); the confirm button sends confirm=yes, and
  // exitTrades=yes to exit the open trades first. The list page then says what happened.
  delete: async (event) => {
    const form = await event.request.formData();
    if (form.get('confirm') !== 'yes') return { confirmDelete: true };
    const result = await deleteBotExitingTrades(event, event.params.id, form.get('exitTrades') === 'yes');
    if (!result.deleted) return fail(result.status, { command: 'delete' as const, message: result.message });
    event.cookies.set(DELETED_FLASH, result.message, { path: '/bots', httpOnly: true, sameSite: 'lax', maxAge: 60 });
    redirect(303, '/bots');
  },
};
