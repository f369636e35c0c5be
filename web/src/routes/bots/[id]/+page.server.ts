// /bots/[id]: one bot and its workflow; start, stop and delete are form actions (they work without JavaScript).
import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { BOT_STATUSES, commandAllowed, type BotCommand, type BotStatus } from '../../../../../domain/bot.ts';
import { commandBot, deleteBot, getBot } from '#lib/api/bots.server.ts';
import { ApiError } from '#lib/api/http.server.ts';
import type { Actions, PageServerLoad } from './$types';

// The domain decides which commands each status accepts; the page gets that table so buttons follow live statuses.
const COMMANDS: readonly BotCommand[] = ['start', 'stop', 'delete'];
const ALLOWED = Object.fromEntries(
  BOT_STATUSES.map((status) => [status, COMMANDS.filter((command) => commandAllowed(status, command))]),
) as Record<BotStatus, BotCommand[]>;

export const load: PageServerLoad = async (event) => {
  await event.parent();
  try {
    const { bot, workflow } = await getBot(event, event.params.id);
    return { bot, workflow, allowed: ALLOWED };
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
