// Fake guard activities for workflow-logic tests and history recording: a wallet guard built from the spec, saves and
// events recorded, exits that can lose their first answer (to prove a retry keeps its step).
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { ExitRequest, GuardActivities } from '../activities/guards.js';
import type { GuardBatchActivities } from '../activities/guard-batch.js';
import type { GuardWatcherActivities } from '../activities/guard-watcher.js';
import type { Guard, GuardRules } from '../domain/guard.js';

export interface GuardFakeLog {
  exits: ExitRequest[];
  attempts: number;
  saved: string[];
  events: string[];
}

export function fakeGuardActivities(log: GuardFakeLog, opts: { failFirstExitAttempt?: boolean } = {}): Partial<GuardActivities & GuardWatcherActivities & GuardBatchActivities> {
  return {
    async createGuardRecord({ guardId, userId, spec }) {
      const s = spec as { target: { amount: number; entryPrice: number; symbol: string } } & GuardRules;
      return {
        id: guardId, userId, target: { kind: 'wallet', exchangeAccountId: randomUUID() }, exchangeId: 'paper', symbol: s.target.symbol,
        entryPrice: s.target.entryPrice, amount: s.target.amount, remaining: s.target.amount, rules: { trail: s.trail, takeProfit: s.takeProfit },
        state: 'watching', peak: s.target.entryPrice, peakAt: '', lastPrice: null, lastPriceAt: null, stopPrice: null, distancePct: null, lagging: false, laggingSince: null,
        nextTarget: 0, breakEven: false, lastError: null, createdAt: '', updatedAt: '',
      } satisfies Guard;
    },
    async ensureGuardWatcher() {},
    async createGuardRecords({ guardIds }) {
      log.saved.push(...guardIds.map(() => 'watching'));
      return { exchangeIds: ['paper'] };
    },
    async saveGuardDecision(d) {
      log.saved.push(d.state);
    },
    async recordGuardEvent(e) {
      log.events.push(`${e.step}:${e.kind}`);
    },
    async recordGuardStep({ event, decision }) {
      log.events.push(`${event.step}:${event.kind}`);
      log.saved.push(decision.state);
    },
    async executeGuardExit(req) {
      log.attempts++;
      // The order went through but the answer was lost: the retry must carry the same step (same client order id).
      if (opts.failFirstExitAttempt && log.attempts === 1) throw ApplicationFailure.retryable('connection reset after the order was placed');
      if (req.exiting && !log.exits.some((e) => e.step === req.step)) log.saved.push('exiting');
      if (!log.exits.some((e) => e.step === req.step)) log.exits.push(req);
      return { amount: req.amount, price: 104, orderId: `order-${req.step}`, alreadyClosed: false };
    },
  };
}

