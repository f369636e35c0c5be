// Batched creation of wallet guards (workflows/guard-batch.ts): every guard checked at once against what its account
// holds and its market's price, with one balance request per account and one order-book request per exchange, and all
// rows written in one statement. No workflow starts here: a batch-made guard gets its workflow when it first has to act
// (activities/guard-watcher.ts says why), so creating one costs Temporal nothing.
import { ApplicationFailure } from '@temporalio/common';
import type { Exchange } from 'ccxt';
import { findGuards, insertGuards, type NewGuard } from '../db/guards.js';
import { requestedBy } from '../db/owner-requests.js';
import type { Db } from '../db/pool.js';
import type { SecretBox } from '../db/secret-box.js';
import { fieldErrors, type FieldError } from '../domain/field-error.js';
import { CreateGuardInput, GuardRules, guardRuleIssue } from '../domain/guard.js';
import { OWNER_REFUSED } from '../domain/owner.js';
import { exchangeFailure } from './exchange-errors.js';
import { createGuardAccountClients, type GuardAccountClient } from './guard-accounts.js';

export interface GuardBatchDeps {
  db: Db;
  box: SecretBox;
  paperExchangeUrl: string;
  /** This worker's task queue: its watcher prices the guards, and their workflows will run on its guard queue. */
  taskQueue: string;
}

export function createGuardBatchActivities(deps: GuardBatchDeps) {
  const { db } = deps;
  const { accountClient, marketsOf } = createGuardAccountClients(deps);

  return {
    /**
     * Checks every guard of a batch (field errors name `guards.<i>.<field>`, all of them at once) and writes them all, or
     * none. Idempotent by guard id. Returns the exchanges whose watchers must run.
     */
    async createGuardRecords(input: { userId: string; guardIds: string[]; specs: unknown[] }): Promise<{ exchangeIds: string[] }> {
      const { userId, guardIds, specs } = input;
      const asked = await requestedBy(db, 'guard', guardIds, userId);
      if (guardIds.some((id) => !asked.has(id))) {
        throw ApplicationFailure.create({
          type: OWNER_REFUSED, nonRetryable: true, message: 'these guards were not requested through the API by the user this workflow names: nothing was done',
        });
      }
      const existing = await findGuards(db, guardIds);
      if (existing.length === guardIds.length) return { exchangeIds: [...new Set(existing.map((g) => g.exchangeId))] };

      const errors: FieldError[] = [];
      const wallets = specs.flatMap((spec, i) => {
        const parsed = CreateGuardInput.safeParse(spec);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) errors.push({ field: ['guards', i, ...issue.path].join('.'), message: issue.message });
          return [];
        }
        if (parsed.data.target.kind !== 'wallet') {
          errors.push({ field: `guards.${i}.target.kind`, message: 'a batch creates wallet guards; guard a bot trade with POST /api/guards' });
          return [];
        }
        return [{ i, spec: parsed.data, target: parsed.data.target }];
      });
      if (errors.length) throw fieldErrors(errors);

      // One client and one balance per account; one order book request per exchange for all its symbols.
      const accounts = new Map<string, (GuardAccountClient & { held: Record<string, { total: number; free: number }> }) | null>();
      for (const accountId of new Set(wallets.map((w) => w.target.exchangeAccountId))) {
        const account = await accountClient(accountId).catch(() => null);
        if (!account || account.userId !== userId) {
          accounts.set(accountId, null);
          continue;
        }
        try {
          const balance = await account.client.fetchBalance();
          const byAsset = balance as unknown as Record<string, { total?: number; free?: number } | undefined>;
          const held = Object.fromEntries(Object.keys(balance.total ?? {}).map((a) => [a, { total: Number(byAsset[a]?.total ?? 0), free: Number(byAsset[a]?.free ?? 0) }]));
          accounts.set(accountId, { ...account, held });
        } catch (error) {
          throw exchangeFailure(error, account.client, account.secrets);
        }
      }
      const bids = new Map<string, Record<string, number | undefined>>();
      const markets = new Map<string, Exchange>();
      for (const exchangeId of new Set([...accounts.values()].flatMap((a) => (a ? [a.exchangeId] : [])))) {
        const market = await marketsOf(exchangeId);
        markets.set(exchangeId, market);
        const symbols = [...new Set(wallets.filter((w) => accounts.get(w.target.exchangeAccountId)?.exchangeId === exchangeId).map((w) => w.target.symbol))]
          .filter((s) => market.markets?.[s] !== undefined);
        const books = symbols.length ? await market.fetchBidsAsks(symbols) : {};
        bids.set(exchangeId, Object.fromEntries(symbols.map((s) => [s, books[s]?.bid ?? books[s]?.last ?? undefined])));
      }

      const rows: NewGuard[] = [];
      for (const { i, spec, target } of wallets) {
        const account = accounts.get(target.exchangeAccountId);
        if (!account) {
          errors.push({ field: `guards.${i}.target.exchangeAccountId`, message: 'no such exchange account' });
          continue;
        }
        if (!markets.get(account.exchangeId)?.markets?.[target.symbol]) {
          errors.push({ field: `guards.${i}.target.symbol`, message: `${account.exchangeId} does not list ${target.symbol}` });
          continue;
        }
        const bid = bids.get(account.exchangeId)?.[target.symbol];
        if (!(typeof bid === 'number' && bid > 0)) {
          errors.push({ field: `guards.${i}.target.symbol`, message: `no price for ${target.symbol} on ${account.exchangeId}` });
          continue;
        }
        const base = target.symbol.split('/')[0]!;
        const held = account.held[base] ?? { total: 0, free: 0 };
        if (target.amount > held.total) {
          errors.push({
            field: `guards.${i}.target.amount`,
            message: `is more than ${account.label} holds: ${held.total} ${base}${held.free < held.total ? ` (${held.free} free)` : ''}`,
          });
          continue;
        }
        const rules = GuardRules.parse({ trail: spec.trail, takeProfit: spec.takeProfit });
        const entryPrice = target.entryPrice ?? bid;
        const issue = guardRuleIssue(rules, entryPrice);
        if (issue) {
          errors.push({ field: `guards.${i}.${issue.field}`, message: issue.message });
          continue;
        }
        rows.push({
          id: guardIds[i]!, userId, kind: 'wallet', botId: null, tradeId: null, exchangeAccountId: target.exchangeAccountId, exchangeId: account.exchangeId,
          symbol: target.symbol, entryPrice, amount: target.amount, rules, price: bid, taskQueue: deps.taskQueue,
        });
      }
      if (errors.length) throw fieldErrors(errors);
      await insertGuards(db, rows);
      return { exchangeIds: [...new Set(rows.map((r) => r.exchangeId))] };
    },
  };
}

export type GuardBatchActivities = ReturnType<typeof createGuardBatchActivities>;
