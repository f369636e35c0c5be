// /operator/pools: the container pools, their containers and bots (operators only; others get the API's 403, as on
// every operator page). Settings, scale, drain and move are form actions (they work without JavaScript); the pool's scaler workflow
// checks each command and the page shows its refusal next to the field it names.
import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { failField, failFromApi } from '#lib/api/form-failure.server.ts';
import { ApiError } from '#lib/api/http.server.ts';
import { readSettingsForm } from '#lib/api/pool-form.server.ts';
import { configurePool, drainContainer, listPools, moveBot, scalePool } from '#lib/api/pools.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { user } = await event.parent();
  if (!user) redirect(303, `/signin?next=${encodeURIComponent(event.url.pathname)}`);
  try {
    return await listPools(event);
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) error(403, e.body.message);
    throw e;
  }
};

type PoolAction = 'settings' | 'scale' | 'drain' | 'move';

/** Runs one command; a refusal comes back to the page with the action, the pool and the thing it was about. */
async function command(action: PoolAction, about: { poolId: string; key?: string; botId?: string }, values: Record<string, string>, run: () => Promise<unknown>) {
  try {
    await run();
    return { action, ...about, done: true as const };
  } catch (e) {
    const failure = failFromApi(e, values);
    return fail(failure.status, { ...failure.data, action, ...about });
  }
}

const fields = async (event: RequestEvent) => {
  const form = await event.request.formData();
  return (name: string) => String(form.get(name) ?? '').trim();
};

export const actions: Actions = {
  settings: async (event) => {
    const { poolId, change, values, problem } = readSettingsForm(await event.request.formData());
    if (problem) {
      const failure = failField(problem.field, problem.message, values);
      return fail(failure.status, { ...failure.data, action: 'settings' as const, poolId });
    }
    if (Object.keys(change).length === 0) return { action: 'settings' as const, poolId, done: true as const };
    return command('settings', { poolId }, values, () => configurePool(event, poolId, change));
  },
  scale: async (event) => {
    const text = await fields(event);
    const poolId = text('poolId');
    const typed = text('containers');
    const values = { poolId, containers: typed };
    if (!/^\d+$/.test(typed)) {
      const failure = failField('containers', 'give a whole number of containers', values);
      return fail(failure.status, { ...failure.data, action: 'scale' as const, poolId });
    }
    return command('scale', { poolId }, values, () => scalePool(event, poolId, Number(typed)));
  },
  // Moves users' bots: the first press only asks (also without JavaScript); the dialog's button sends confirm=yes.
  drain: async (event) => {
    const text = await fields(event);
    const about = { poolId: text('poolId'), key: text('key') };
    if (text('confirm') !== 'yes') return { action: 'drain' as const, ...about, confirm: true as const };
    return command('drain', about, about, () => drainContainer(event, about.poolId, about.key));
  },
  move: async (event) => {
    const text = await fields(event);
    const about = { poolId: text('poolId'), botId: text('botId') };
    const containerKey = text('containerKey');
    return command('move', about, { ...about, containerKey }, () => moveBot(event, about.poolId, about.botId, containerKey));
  },
};
