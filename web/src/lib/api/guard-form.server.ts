// The guard form actions' shared part: reading the target and rules, and putting API errors on the form's inputs.
import type { ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import type { GuardRules, GuardTargetInput } from '#domain/guard.ts';
import { formField, FormReader, readLadder, readTrail } from '#lib/guard-form.ts';
import type { FormFailure } from '#lib/types.ts';
import { failFromApi } from './form-failure.server.ts';

export const TARGET_FIELDS = ['target.kind', 'target.botId', 'target.tradeId', 'target.exchangeAccountId', 'target.symbol', 'target.amount', 'target.entryPrice'] as const;

/** The target the create form names. The other kind's inputs are kept as typed (to refill the form), not checked. */
export function readTarget(r: FormReader): z.input<typeof GuardTargetInput> {
  const kind = r.text('target.kind') === 'bot_trade' ? 'bot_trade' : 'wallet';
  if (kind === 'bot_trade') {
    for (const f of ['target.exchangeAccountId', 'target.symbol', 'target.amount', 'target.entryPrice']) r.text(f);
    const botId = r.text('target.botId');
    const tradeId = r.number('target.tradeId', true);
    if (botId === '') r.fail('target.botId', 'pick one of your running bots');
    if (tradeId === undefined) r.fail('target.tradeId', 'give the id of an open trade of the bot');
    return { kind, botId, tradeId: tradeId ?? 0 };
  }
  for (const f of ['target.botId', 'target.tradeId']) r.text(f);
  const exchangeAccountId = r.text('target.exchangeAccountId');
  const symbol = r.text('target.symbol').toUpperCase();
  const amount = r.number('target.amount');
  const entryPrice = r.number('target.entryPrice');
  if (exchangeAccountId === '') r.fail('target.exchangeAccountId', 'pick one of your exchange accounts');
  if (amount === undefined) r.fail('target.amount', 'give the amount of the base asset to protect');
  return { kind, exchangeAccountId, symbol, amount: amount ?? 0, ...(entryPrice === undefined ? {} : { entryPrice }) };
}

/** The trail and ladder the form sets; `ladder: false` leaves the ladder out (an edit after a target sold). */
export function readRules(r: FormReader, ladder = true): { rules: z.input<typeof GuardRules>; rows: number[] } {
  const trail = readTrail(r);
  const { takeProfit, rows } = ladder ? readLadder(r) : { takeProfit: undefined, rows: [] };
  return { rules: { ...(trail ? { trail } : {}), ...(takeProfit ? { takeProfit } : {}) }, rows };
}

/** Like failFromApi, with the API's `takeProfit.targets.<i>` turned into the form row it came from. */
export function failGuardFromApi(error: unknown, values: Record<string, string>, rows: number[]): ActionFailure<FormFailure> {
  const failure = failFromApi(error, values);
  const field = formField(failure.data.error.field, rows);
  if (field) failure.data.error.field = field;
  return failure;
}
