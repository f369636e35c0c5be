// /bots/new: the create form (engine and strategy picked from the store) sends the bot to the API and opens its page.
import { redirect } from '@sveltejs/kit';
import { createBot } from '#lib/api/bots.server.ts';
import { listStrategies } from '#lib/api/strategies.server.ts';
import { failField, failFromApi } from '#lib/api/form-failure.server.ts';
import { parsePairs } from '#lib/format.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  await event.parent();
  return { strategies: await listStrategies(event) };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const values = {
      name: String(form.get('name') ?? ''),
      pairs: String(form.get('pairs') ?? ''),
      stakeAmount: String(form.get('stakeAmount') ?? ''),
      stakeCurrency: String(form.get('stakeCurrency') ?? '') || 'USDT',
      dryRun: form.get('dryRun') === 'on' ? 'on' : '',
      engine: form.get('engine') === 'freqtrade' ? 'freqtrade' : 'builtin',
      strategyVersionId: String(form.get('strategyVersionId') ?? ''),
      placement: form.get('placement') === 'pool' || form.get('placement') === 'dedicated' ? String(form.get('placement')) : '',
    };
    // The API validates everything else; a non-number stake cannot even be sent as JSON.
    const stakeAmount = Number(values.stakeAmount);
    if (values.stakeAmount.trim() === '' || !Number.isFinite(stakeAmount)) {
      return failField('stakeAmount', 'must be a number, e.g. 100', values);
    }
    let id: string;
    try {
      const bot = await createBot(event, {
        name: values.name,
        exchange: 'paper',
        pairs: parsePairs(values.pairs),
        stakeAmount,
        stakeCurrency: values.stakeCurrency,
        dryRun: values.dryRun === 'on',
        engine: values.engine as 'builtin' | 'freqtrade',
        // Empty: the engine's default (first bundled) strategy.
        ...(values.strategyVersionId ? { strategyVersionId: values.strategyVersionId } : {}),
        // Empty: the platform's default; FreqTrade bots always get a container of their own.
        ...(values.placement && values.engine === 'builtin' ? { placement: values.placement as 'pool' | 'dedicated' } : {}),
      });
      id = bot.id;
    } catch (error) {
      return failFromApi(error, values);
    }
    redirect(303, `/bots/${id}`);
  },
};
