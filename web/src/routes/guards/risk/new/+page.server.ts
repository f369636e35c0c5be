// /guards/risk/new: the create form for a risk guard (max drawdown / max daily loss on a bot or the whole portfolio).
import { redirect } from '@sveltejs/kit';
import { failField, failFromApi } from '#lib/api/form-failure.server.ts';
import { createRiskGuard } from '#lib/api/guards.server.ts';
import { FormReader } from '#lib/guard-form.ts';
import type { Actions } from './$types';

export const actions: Actions = {
  default: async (event) => {
    const r = new FormReader(await event.request.formData());
    const kind = r.text('scope.kind') === 'bot' ? 'bot' : 'portfolio';
    const botId = r.text('scope.botId');
    const maxDrawdownPct = r.number('maxDrawdownPct');
    const maxDailyLossPct = r.number('maxDailyLossPct');
    const forceExit = r.checkbox('forceExit');
    const checkIntervalSeconds = r.number('checkIntervalSeconds', true);
    if (kind === 'bot' && botId === '') r.fail('scope.botId', 'pick one of your bots');
    if (r.problem) return failField(r.problem.field, r.problem.message, r.values);
    try {
      await createRiskGuard(event, {
        scope: kind === 'bot' ? { kind, botId } : { kind },
        ...(maxDrawdownPct === undefined ? {} : { maxDrawdownPct }),
        ...(maxDailyLossPct === undefined ? {} : { maxDailyLossPct }),
        forceExit,
        ...(checkIntervalSeconds === undefined ? {} : { checkIntervalSeconds }),
      });
    } catch (error) {
      return failFromApi(error, r.values);
    }
    redirect(303, '/guards');
  },
};
