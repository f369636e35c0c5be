// /guards/[id]: one position guard, its event log and workflow; editing the rules and cancelling are form actions
// (they work without JavaScript). The guard's workflow checks an edit and answers with the field it rejects.
import { error, fail } from '@sveltejs/kit';
import { failField } from '#lib/api/form-failure.server.ts';
import { failGuardFromApi, readRules } from '#lib/api/guard-form.server.ts';
import { cancelGuard, editGuard, getGuard } from '#lib/api/guards.server.ts';
import { ApiError } from '#lib/api/http.server.ts';
import { FormReader } from '#lib/guard-form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  await event.parent();
  if (!/^[0-9a-f-]{36}$/i.test(event.params.id)) error(404, 'No such guard.');
  try {
    return await getGuard(event, event.params.id);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) error(404, 'No such guard.');
    throw e;
  }
};

export const actions: Actions = {
  edit: async (event) => {
    const r = new FormReader(await event.request.formData());
    // The ladder is only in the form while no target has sold; without it the guard keeps its ladder.
    const { rules, rows } = readRules(r, r.text('ladder') === 'on');
    if (r.problem) return failField(r.problem.field, r.problem.message, r.values);
    try {
      return { command: 'edit' as const, guard: await editGuard(event, event.params.id, rules) };
    } catch (e) {
      return failGuardFromApi(e, r.values, rows);
    }
  },
  // The first press only asks for confirmation (also without JavaScript); the confirm button sends confirm=yes.
  delete: async (event) => {
    const form = await event.request.formData();
    if (form.get('confirm') !== 'yes') return { confirmDelete: true };
    try {
      return { command: 'delete' as const, guard: await cancelGuard(event, event.params.id) };
    } catch (e) {
      if (e instanceof ApiError) return fail(e.status, { command: 'delete' as const, message: e.body.message });
      throw e;
    }
  },
};
