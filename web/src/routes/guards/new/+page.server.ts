// /guards/new: the create form for a position guard. The page offers the user's running bots with their open trades
// (from the portfolio valuation) and exchange accounts; the action sends the guard to the API and opens its page.
import { redirect } from '@sveltejs/kit';
import { ApiError } from '#lib/api/http.server.ts';
import { failField } from '#lib/api/form-failure.server.ts';
import { failGuardFromApi, readRules, readTarget } from '#lib/api/guard-form.server.ts';
import { createGuard } from '#lib/api/guards.server.ts';
import { getValuation } from '#lib/api/portfolio.server.ts';
import { FormReader } from '#lib/guard-form.ts';
import type { OpenPosition } from '#lib/types.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { bots } = await event.parent();
  const running = bots.filter((b) => b.status === 'running');
  // Without a valuation (nothing priced yet) the trade id is typed by hand.
  const valuation = running.length === 0 ? null : await getValuation(event).catch((e: unknown) => (e instanceof ApiError ? null : Promise.reject(e)));
  const openTrades: Record<string, OpenPosition[]> = Object.fromEntries((valuation?.bots ?? []).map((b) => [b.botId, b.openPositions]));
  return { runningBots: running.map((b) => ({ id: b.id, name: b.name })), openTrades };
};

export const actions: Actions = {
  default: async (event) => {
    const r = new FormReader(await event.request.formData());
    const target = readTarget(r);
    const { rules, rows } = readRules(r);
    if (r.problem) return failField(r.problem.field, r.problem.message, r.values);
    let id: string;
    try {
      id = (await createGuard(event, { target, ...rules })).id;
    } catch (error) {
      return failGuardFromApi(error, r.values, rows);
    }
    redirect(303, `/guards/${id}`);
  },
};
