// /accounts/[id]: one exchange account and its latest wallet snapshot; pause, resume, sync now, edit and delete
// are form actions (they work without JavaScript).
import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { commandAccount, deleteAccount, getAccount, updateAccount, type AccountCommand } from '#lib/api/exchange-accounts.server.ts';
import { failField, failFromApi } from '#lib/api/form-failure.server.ts';
import { ApiError } from '#lib/api/http.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  await event.parent();
  try {
    return await getAccount(event, event.params.id);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) error(404, 'No such exchange account (it may have been deleted).');
    throw e;
  }
};

async function run(event: RequestEvent<{ id: string }>, command: AccountCommand) {
  try {
    return { command, account: await commandAccount(event, event.params.id, command) };
  } catch (e) {
    if (e instanceof ApiError) return fail(e.status, { command, message: e.body.message });
    throw e;
  }
}

export const actions: Actions = {
  pause: (event) => run(event, 'pause'),
  resume: (event) => run(event, 'resume'),
  sync: (event) => run(event, 'sync'),
  update: async (event) => {
    const form = await event.request.formData();
    const values = { label: String(form.get('label') ?? ''), syncIntervalSeconds: String(form.get('syncIntervalSeconds') ?? '').trim() };
    const syncIntervalSeconds = Number(values.syncIntervalSeconds);
    if (values.syncIntervalSeconds === '' || !Number.isInteger(syncIntervalSeconds)) {
      return failField('syncIntervalSeconds', 'must be a whole number of seconds, e.g. 60', values);
    }
    try {
      return { command: 'update' as const, account: await updateAccount(event, event.params.id, { label: values.label, syncIntervalSeconds }) };
    } catch (e) {
      return failFromApi(e, values);
    }
  },
  // The first press only asks for confirmation (also without JavaScript); the confirm button sends confirm=yes.
  delete: async (event) => {
    const form = await event.request.formData();
    if (form.get('confirm') !== 'yes') return { confirmDelete: true };
    try {
      await deleteAccount(event, event.params.id);
    } catch (e) {
      if (e instanceof ApiError) return fail(e.status, { command: 'delete' as const, message: e.body.message });
      throw e;
    }
    redirect(303, '/accounts');
  },
};
