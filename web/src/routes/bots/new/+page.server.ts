// /bots/new: the create form's action sends the bot to the API and opens its page.
import { redirect } from '@sveltejs/kit';
import { createBot } from '#lib/api/bots.server.ts';
import { failField, failFromApi } from '#lib/api/form-failure.server.ts';
import { parsePairs } from '#lib/format.ts';
import type { Actions } from './$types';

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const values = {
      name: String(form.get('name') ?? ''),
      pairs: String(form.get('pairs') ?? ''),
      stakeAmount: String(form.get('stakeAmount') ?? ''),
      stakeCurrency: String(form.get('stakeCurrency') ?? '') || 'USDT',
      dryRun: form.get('dryRun') === 'on' ? 'on' : '',
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
      });
      id = bot.id;
    } catch (error) {
      return failFromApi(error, values);
    }
    redirect(303, `/bots/${id}`);
  },
};
