// Risk guard (`risk:<riskId>`): max drawdown and max daily loss for one bot or a user's whole portfolio. A durable loop
// reads the equity every checkIntervalSeconds, keeps the book (peak equity, the day's start) in its state, and on a
// breach stops new entries (/stopbuy) on every bot in scope, optionally exits everything, and tells the owner (the
// guard's row, announced on `guard_changes`). Only the owner's `resumeRiskGuard` lets the bots enter again.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { RiskActivities } from '../activities/risk.js';
import { fieldError, rethrowFieldError, schemaFieldError } from '../domain/field-error.js';
import { CreateRiskGuardInput, RiskRules, evaluateRisk, riskRuleIssue, type RiskBook, type RiskState } from '../domain/risk.js';
import { messageOf } from './failure-message.js';
import {
  cancelRiskGuard,
  createRiskGuard,
  editRiskGuard,
  resumeRiskGuard,
  riskState,
  type RiskWorkflowInput,
  type RiskWorkflowState,
} from './risk-messages.js';

export * from './risk-messages.js';

const act = proxyActivities<RiskActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 10, nonRetryableErrorTypes: ['RiskGuardGone'] },
});

const CHECKS_PER_RUN = 500;

export async function riskWorkflow(input: RiskWorkflowInput): Promise<void> {
  const { riskId } = input;
  const s: RiskWorkflowState = input.carried ?? { state: 'new', rules: null, book: null, lastEquity: null, trippedReason: null, checks: 0 };
  let createFailed = false;
  let wake = false;
  let checksThisRun = 0;

  const setState = async (state: RiskState, extra: { trippedReason?: string | null; book?: RiskBook | null } = {}) => {
    s.state = state;
    upsertSearchAttributes({ GuardState: [state] });
    await act.setRiskState({ riskId, state, rules: s.rules ?? undefined, ...extra });
  };

  setHandler(riskState, () => s);
  setHandler(
    createRiskGuard,
    async (spec) => {
      try {
        const guard = await act.createRiskRecord({ riskId, userId: input.userId, spec });
        Object.assign(s, { state: guard.state, rules: guard.rules, book: guard.book });
        upsertSearchAttributes({ GuardState: [guard.state], UserId: [input.userId] });
        return guard;
      } catch (error) {
        createFailed = true;
        rethrowFieldError(error);
        const cause = (error as { cause?: ApplicationFailure }).cause;
        throw ApplicationFailure.create({ type: cause?.type ?? 'RiskCreateFailed', message: messageOf(error), nonRetryable: true });
      }
    },
    {
      validator: (spec) => {
        if (s.state !== 'new') throw new Error('this risk guard exists already');
        const parsed = CreateRiskGuardInput.safeParse(spec);
        if (!parsed.success) throw schemaFieldError(parsed.error);
      },
    },
  );
  setHandler(
    editRiskGuard,
    async (rules) => {
      s.rules = RiskRules.parse(rules);
      await act.setRiskState({ riskId, state: s.state as RiskState, rules: s.rules });
      wake = true;
      return s;
    },
    {
      validator: (rules) => {
        if (s.state === 'new' || s.state === 'cancelled') throw new Error(`the risk guard is ${s.state}`);
        const parsed = RiskRules.safeParse(rules);
        if (!parsed.success) throw schemaFieldError(parsed.error);
        const issue = riskRuleIssue(parsed.data);
        if (issue) throw fieldError(issue.field, issue.message);
      },
    },
  );
  setHandler(
    resumeRiskGuard,
    async () => {
      await act.liftRiskBreach(riskId);
      // Measured afresh from the next reading: the old peak would trip it again at once.
      s.book = null;
      s.trippedReason = null;
      await setState('watching', { book: null, trippedReason: null });
      wake = true;
      return s;
    },
    { validator: () => {
      if (s.state !== 'tripped') throw new Error(`the risk guard is ${s.state}; only a tripped guard can be resumed`);
    } },
  );
  setHandler(
    cancelRiskGuard,
    async (reason) => {
      await setState('cancelled', reason ? { trippedReason: reason } : {});
      s.trippedReason = reason ?? null;
      wake = true;
      return s;
    },
    { validator: (_reason) => {
      if (s.state === 'new' || s.state === 'cancelled') throw new Error(`the risk guard is ${s.state}`);
    } },
  );

  async function check(): Promise<void> {
    const reading = await act.measureEquity(riskId);
    s.checks++;
    checksThisRun++;
    if (reading.equity === null || s.state !== 'watching' || !s.rules) {
      if (reading.equity === null) log.info('no equity reading', { riskId, reason: reading.reason });
      return;
    }
    const r = evaluateRisk(s.book, reading.equity, new Date(), s.rules);
    s.book = r.book;
    s.lastEquity = reading.equity;
    await act.saveRiskReading({ riskId, book: r.book, equity: reading.equity, drawdownPct: r.drawdownPct, dailyLossPct: r.dailyLossPct });
    if (r.breach && s.state === 'watching') {
      // Act first, then tell: a guard shown as tripped has already stopped the entries it could.
      s.state = 'tripped';
      let reason = r.breach.message;
      try {
        await act.applyRiskBreach({ riskId, forceExit: s.rules.forceExit });
      } catch (error) {
        reason += `; not every bot took the stop: ${messageOf(error)}`;
      }
      s.trippedReason = reason;
      await setState('tripped', { trippedReason: reason });
    }
  }

  await condition(() => s.state !== 'new' || createFailed);
  if (createFailed) return;
  while (s.state !== 'cancelled') {
    if (s.state === 'watching') await check();
    wake = false;
    const intervalMs = (s.rules?.checkIntervalSeconds ?? 15) * 1000;
    // A tripped guard waits for a command only; otherwise the next check is due after the interval.
    if (s.state === 'tripped') await condition(() => wake || s.state === 'cancelled');
    else await condition(() => wake || s.state === 'cancelled', intervalMs);
    if (checksThisRun >= CHECKS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      if ((s.state as string) !== 'cancelled') return continueAsNew<typeof riskWorkflow>({ ...input, carried: s });
    }
  }
  await condition(allHandlersFinished);
}
