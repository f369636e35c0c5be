// /guards: the user's position guards and risk guards; the page keeps them live through the SSE stream. Resuming a
// tripped risk guard and removing one are form actions (they work without JavaScript).
import { fail } from '@sveltejs/kit';
import { ApiError } from '#lib/api/http.server.ts';
import { cancelRiskGuard, listGuards, resumeRiskGuard } from '#lib/api/guards.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  await event.parent();
  return await listGuards(event);
};

async function riskCommand(id: string, command: 'resume' | 'delete', run: () => Promise<unknown>) {
  try {
    await run();
    return { command, id };
  } catch (e) {
    if (e instanceof ApiError) return fail(e.status, { command, id, message: e.body.message });
    throw e;
  }
}

export const actions: Actions = {
  resume: async (event) => {
    const id = String((await event.request.formData()).get('id') ?? '');
    return riskCommand(id, 'resume', () => resumeRiskGuard(event, id));
  },
  // The first press only asks for confirmation (also without JavaScript); the confirm button sends confirm=yes.
  delete: async (event) => {
    const form = await event.request.formData();
    const id = String(form.get('id') ?? '');
    if (form.get('confirm') !== 'yes') return { confirmDelete: true, id };
    return riskCommand(id, 'delete', () => cancelRiskGuard(event, id));
  },
};
