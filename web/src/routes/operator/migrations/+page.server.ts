// /operator/migrations: the MongoDB → PostgreSQL runs and the form that starts one (operators only; others get the API's 403).
import { error, fail, redirect } from '@sveltejs/kit';
import { ApiError } from '#lib/api/http.server.ts';
import { listRuns, startRun } from '#lib/api/migrations.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  await event.parent();
  try {
    return await listRuns(event);
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) error(403, e.body.message);
    throw e;
  }
};

export const actions: Actions = {
  start: async (event) => {
    const form = await event.request.formData();
    const raw = String(form.get('batchSize') ?? '').trim();
    const batchSize = raw === '' ? undefined : Number(raw);
    if (batchSize !== undefined && !Number.isInteger(batchSize)) return fail(400, { field: 'batchSize', message: 'batchSize: must be a whole number, e.g. 5000', values: { batchSize: raw } });
    let id: string;
    try {
      id = (await startRun(event, batchSize === undefined ? {} : { batchSize })).id;
    } catch (e) {
      if (e instanceof ApiError) return fail(e.status, { field: e.body.field ?? null, message: e.body.message, values: { batchSize: raw } });
      throw e;
    }
    redirect(303, `/operator/migrations/${id}`);
  },
};
