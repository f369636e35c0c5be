// /guards/risk/[id]: a risk guard's rules, editable while it runs (the guard's workflow takes the edit and checks it).
import { error, fail } from '@sveltejs/kit';
import { listBots } from '#lib/api/bots.server.ts';
import { failField, failFromApi } from '#lib/api/form-failure.server.ts';
import { editRiskGuard, getRiskGuard } from '#lib/api/guards.server.ts';
import { ApiError } from '#lib/api/http.server.ts';
import { FormReader } from '#lib/guard-form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  await event.parent();
  try {
    const [riskGuard, bots] = await Promise.all([getRiskGuard(event, event.params.id), listBots(event)]);
    return { riskGuard, names: { bots: Object.fromEntries(bots.map((b) => [b.id, b.name])), accounts: {} } };
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) error(404, 'No such risk guard.');
    throw e;
  }
};

export const actions: Actions = {
  edit: async (event) => {
    const r = new FormReader(await event.request.formData());
    const maxDrawdownPct = r.number('maxDrawdownPct');
    const maxDailyLossPct = r.number('maxDailyLossPct');
    const forceExit = r.checkbox('forceExit');
    const checkIntervalSeconds = r.number('checkIntervalSeconds', true);
    if (r.problem) return failField(r.problem.field, r.problem.message, r.values);
    try {
      const riskGuard = await editRiskGuard(event, event.params.id, {
        ...(maxDrawdownPct === undefined ? {} : { maxDrawdownPct }),
        ...(maxDailyLossPct === undefined ? {} : { maxDailyLossPct }),
        forceExit,
        ...(checkIntervalSeconds === undefined ? {} : { checkIntervalSeconds }),
      });
      return { saved: riskGuard };
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) return fail(409, { error: e.body, values: r.values });
      return failFromApi(e, r.values);
    }
  },
};
