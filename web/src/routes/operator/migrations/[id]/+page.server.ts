// /operator/migrations/[id]: one run's progress, quarantine and commands (pause, resume, abort, approve the cutover) as
// form actions that work without JavaScript.
import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { ApiError } from '#lib/api/http.server.ts';
import { commandRun, getRun, type MigrationCommand } from '#lib/api/migrations.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  await event.parent();
  try {
    return await getRun(event, event.params.id);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) error(e.status, e.body.message);
    throw e;
  }
};

async function run(event: RequestEvent<{ id: string }>, command: MigrationCommand, body: Record<string, unknown> = {}) {
  try {
    await commandRun(event, event.params.id, command, body);
    return { command };
  } catch (e) {
    if (e instanceof ApiError) return fail(e.status, { command, message: e.body.message });
    throw e;
  }
}

export const actions: Actions = {
  pause: (event) => run(event, 'pause'),
  resume: (event) => run(event, 'resume'),
  abort: (event) => run(event, 'abort', { reason: 'aborted from the dashboard' }),
  approve: async (event) => {
    const form = await event.request.formData();
    return run(event, 'approve', { acceptQuarantined: form.get('acceptQuarantined') === 'yes' });
  },
};
