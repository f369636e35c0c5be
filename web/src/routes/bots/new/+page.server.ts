// /bots/new: the create form (engine and strategy picked from the store) sends the bot to the API and opens its page.
import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { CreateBotInput } from '#domain/bot.ts';
import { BUNDLED_FREQTRADE_STRATEGIES } from '#domain/bundled-freqtrade-strategies.ts';
import { BUNDLED_BUILTIN_STRATEGIES } from '#domain/bundled-strategies.ts';
import { schemaIssues, type FieldError } from '#domain/field-issues.ts';
import { createBot, listMarkets } from '#lib/api/bots.server.ts';
import { ApiError } from '#lib/api/http.server.ts';
import { listAccounts } from '#lib/api/exchange-accounts.server.ts';
import { listStrategies } from '#lib/api/strategies.server.ts';
import { failFromApi } from '#lib/api/form-failure.server.ts';
import { parsePairs } from '#lib/format.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  await event.parent();
  // What a bot without a chosen strategy runs: the first bundled strategy of its engine (activities/bots.ts).
  const defaults = { builtin: BUNDLED_BUILTIN_STRATEGIES[0]!.name, freqtrade: BUNDLED_FREQTRADE_STRATEGIES[0]!.className };
  // A live bot trades on one of the user's exchange accounts: the form offers them.
  // The pair picker suggests the paper exchange's active spot pairs (the form creates paper bots).
  const [strategies, accounts, markets] = await Promise.all([listStrategies(event), listAccounts(event), listMarkets(event, 'paper')]);
  return { strategies, defaults, markets, accounts: accounts.map((a) => ({ id: a.id, label: a.label, exchangeId: a.exchangeId })) };
};

/** The field errors the API names for an input the schema refuses (none when it cannot be asked now). */
async function apiProblems(event: RequestEvent, input: CreateBotInput): Promise<FieldError[]> {
  try {
    await createBot(event, input);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status !== 400) return [];
    const { field, message, fields } = error.body;
    if (fields?.length) return fields;
    return field ? [{ field, message: message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message }] : [];
  }
  return [];
}

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
      exchangeAccountId: String(form.get('exchangeAccountId') ?? ''),
    };
    const stakeAmount = Number(values.stakeAmount);
    const stakeIsNumber = values.stakeAmount.trim() !== '' && Number.isFinite(stakeAmount);
    const input: CreateBotInput = {
      name: values.name,
      exchange: 'paper',
      pairs: parsePairs(values.pairs),
      stakeAmount: stakeIsNumber ? stakeAmount : 1,
      stakeCurrency: values.stakeCurrency,
      dryRun: values.dryRun === 'on',
      engine: values.engine as 'builtin' | 'freqtrade',
      // Empty: the engine's default strategy.
      ...(values.strategyVersionId ? { strategyVersionId: values.strategyVersionId } : {}),
      // Only a live bot trades on an account (the picker is hidden while Dry run is ticked).
      ...(values.dryRun !== 'on' && values.exchangeAccountId ? { exchangeAccountId: values.exchangeAccountId } : {}),
      // Empty: the platform's default for the engine (a shared pool container when Docker runs).
      ...(values.placement ? { placement: values.placement as 'pool' | 'dedicated' } : {}),
    };
    // The domain's own schema first, so every wrong field is reported after one submit (the API checks the same
    // schema again, and then the exchange's markets, which it reports all at once too).
    const checked = CreateBotInput.safeParse(input);
    const problems = [
      ...(stakeIsNumber ? [] : [{ field: 'stakeAmount', message: 'must be a number, e.g. 100' }]),
      ...(checked.success ? [] : schemaIssues(checked.error).filter((p) => stakeIsNumber || p.field !== 'stakeAmount')),
    ];
    if (problems.length) {
      // The schema fails here, so it fails at the API too and nothing is created there; the API adds the exchange's
      // verdict on well-formed pairs and the stake, so every wrong field shows after this one submit.
      if (!checked.success) {
        for (const p of await apiProblems(event, input)) if (!problems.some((q) => q.field === p.field)) problems.push(p);
      }
      const [first] = problems;
      return fail(400, { error: { code: 'invalid_input', message: first!.message, field: first!.field, fields: problems }, values });
    }
    let id: string;
    try {
      const bot = await createBot(event, input);
      id = bot.id;
    } catch (error) {
      return failFromApi(error, values);
    }
    redirect(303, `/bots/${id}`);
  },
};
