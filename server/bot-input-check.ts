// A new bot's input checked as a whole: when its schema fails on some fields but its pairs are well formed, the pairs
// and the stake are checked against the exchange's markets too, so one 400 names every wrong field at once.
import { z, type ZodError } from 'zod';
import { checkBotMarkets } from '../activities/bot-markets.js';
import { findExchangeAccountForUser } from '../db/exchange-accounts.js';
import type { Db } from '../db/pool.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { fieldErrorsOf } from '../domain/field-error.js';
import { schemaIssues, type FieldError } from '../domain/field-issues.js';
import { HttpError } from './errors.js';

const Loose = z.object({ pairs: z.array(z.string()), stakeAmount: z.unknown().optional(), exchangeAccountId: z.unknown().optional() });

/** The exchange a bot of this input would trade on: its account's when the input names one of the user's. */
async function exchangeOf(db: Db, userId: string, accountId: unknown): Promise<string> {
  if (!z.string().uuid().safeParse(accountId).success) return 'paper';
  return (await findExchangeAccountForUser(db, userId, accountId as string))?.exchangeId ?? 'paper';
}

/** Market problems of well-formed pairs (an unreachable exchange adds none: the schema's answer is not held up by it). */
async function marketProblems(db: Db, userId: string, body: z.infer<typeof Loose>, paperExchangeUrl: string): Promise<FieldError[]> {
  const pairs = body.pairs.map((p) => p.trim().toUpperCase());
  const stake = typeof body.stakeAmount === 'number' ? body.stakeAmount : Number.NaN;
  try {
    await checkBotMarkets(exchangeProfile(await exchangeOf(db, userId, body.exchangeAccountId), paperExchangeUrl), pairs, stake);
    return [];
  } catch (error) {
    return fieldErrorsOf(error);
  }
}

/** The 400 for a failed CreateBotInput check: every schema issue, then every market problem of a field not yet named. */
export async function createBotInputError(error: ZodError, body: unknown, db: Db, userId: string, paperExchangeUrl: string): Promise<HttpError> {
  const fields = schemaIssues(error);
  const loose = Loose.safeParse(body);
  const pairsWellFormed = loose.success && !fields.some((f) => f.field === 'pairs' || f.field.startsWith('pairs.'));
  if (pairsWellFormed) {
    for (const problem of await marketProblems(db, userId, loose.data, paperExchangeUrl)) {
      if (!fields.some((f) => f.field === problem.field)) fields.push(problem);
    }
  }
  const [first] = fields;
  const message = first ? `${first.field ? `${first.field}: ` : ''}${first.message}` : 'invalid input';
  return new HttpError(400, 'invalid_input', message, first?.field || undefined, {}, fields.length > 1 ? fields : undefined);
}
