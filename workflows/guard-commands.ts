// The guard's commands as its workflow runs them: create (check the target and save the row), edit and cancel, each an
// update whose validator refuses a bad one before it enters history; and the guard's own writes they share with exits.
import { ApplicationFailure, proxyActivities, proxyLocalActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { GuardActivities } from '../activities/guards.js';
import type { GuardWatcherActivities } from '../activities/guard-watcher.js';
import { fieldError, rethrowFieldError } from '../domain/field-error.js';
import type { Guard, GuardState } from '../domain/guard.js';
import { OWNER_REFUSED } from '../domain/owner.js';
import { checkCreateGuardInput, checkGuardRules, guardRuleIssue } from '../domain/guard-rules.js';
import type { GuardWorkflowInput, GuardWorkflowState } from './guard-messages.js';
import { messageOf } from './failure-message.js';

const store = proxyActivities<GuardActivities & GuardWatcherActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 10 },
});
// The guard's own row and event log: short PostgreSQL writes, run as local activities inside the workflow task, so a
// trigger costs one activity task (the exit) instead of four, which is what keeps a burst of exits fast.
const local = proxyLocalActivities<GuardActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 10 },
});

export type StepEvent = Omit<Parameters<GuardActivities['recordGuardEvent']>[0], 'guardId'>;

/** One guard's workflow as its commands and exits see it: its state and the writes to its row and event log. */
export interface GuardRun {
  guardId: string;
  userId: string;
  s: GuardWorkflowState;
  /** The create update failed: the workflow ends. */
  createFailed: boolean;
  /** The create was refused because the database does not confirm the owner: the workflow ends failed with it. */
  ownerRefusal?: ApplicationFailure;
  /** Saves the decision (state, rules, ladder, peak) to the guard's row. */
  save(): Promise<void>;
  setState(state: GuardState): Promise<void>;
  recordEvent(event: StepEvent): Promise<void>;
  /** A step's event and the state after it, in one local activity. */
  recordStep(event: StepEvent, state: GuardState): Promise<void>;
}

export function guardRun(input: GuardWorkflowInput): GuardRun {
  const { guardId } = input;
  const s: GuardWorkflowState = input.carried ?? {
    state: 'new', exchangeId: '', symbol: '', entryPrice: 0, amount: 0, remaining: 0, rules: {}, peak: 0, nextTarget: 0, breakEven: false,
    step: 0, lastError: null, exits: [],
  };
  const decision = () =>
    ({ state: s.state as GuardState, rules: s.rules, nextTarget: s.nextTarget, breakEven: s.breakEven, remaining: s.remaining, peak: s.peak, lastError: s.lastError });
  const save = () => local.saveGuardDecision({ guardId, ...decision() });
  return {
    guardId,
    userId: input.userId,
    s,
    createFailed: false,
    save,
    async setState(state) {
      s.state = state;
      upsertSearchAttributes({ GuardState: [state] });
      await save();
    },
    recordEvent: (event) => local.recordGuardEvent({ guardId, ...event }),
    async recordStep(event, state) {
      s.state = state;
      upsertSearchAttributes({ GuardState: [state] });
      await local.recordGuardStep({ guardId, event, decision: decision() });
    },
  };
}

export function checkCreate(run: GuardRun, spec: unknown): void {
  if (run.s.state !== 'new') throw new Error('this guard exists already');
  const checked = checkCreateGuardInput(spec);
  if (!checked.success) throw fieldError(checked.issues[0]!.field, checked.issues[0]!.message);
}

export async function create(run: GuardRun, spec: unknown): Promise<Guard> {
  const { guardId, userId, s } = run;
  try {
    const guard = await store.createGuardRecord({ guardId, userId, spec });
    Object.assign(s, {
      state: guard.state, exchangeId: guard.exchangeId, symbol: guard.symbol, entryPrice: guard.entryPrice, amount: guard.amount,
      remaining: guard.remaining, rules: guard.rules, peak: guard.peak, nextTarget: guard.nextTarget, breakEven: guard.breakEven,
    });
    upsertSearchAttributes({ GuardState: [guard.state], GuardSymbol: [guard.symbol], UserId: [userId] });
    await store.ensureGuardWatcher(guard.exchangeId);
    return guard;
  } catch (error) {
    run.createFailed = true;
    rethrowFieldError(error);
    const cause = (error as { cause?: ApplicationFailure }).cause;
    const failure = ApplicationFailure.create({ type: cause?.type ?? 'GuardCreateFailed', message: messageOf(error), nonRetryable: true });
    if (cause?.type === OWNER_REFUSED) run.ownerRefusal = failure;
    throw failure;
  }
}

export function checkEdit(run: GuardRun, rules: unknown): void {
  const { s } = run;
  if (s.state !== 'watching') throw new Error(`the guard is ${s.state}; only a watching guard can be edited`);
  const checked = checkGuardRules(rules);
  if (!checked.success) throw fieldError(checked.issues[0]!.field, checked.issues[0]!.message);
  if (checked.data.takeProfit && s.nextTarget > 0) throw fieldError('takeProfit', 'a target has sold already; the ladder can no longer change');
  const merged = { trail: checked.data.trail ?? s.rules.trail, takeProfit: checked.data.takeProfit ?? s.rules.takeProfit };
  const issue = guardRuleIssue(merged, s.entryPrice);
  if (issue) throw fieldError(issue.field, issue.message);
}

/** An edit replaces what it names (the trail, the ladder) and keeps the rest. */
export async function edit(run: GuardRun, rules: unknown): Promise<GuardWorkflowState> {
  const { s } = run;
  const next = checkGuardRules(rules); // the validator has passed it (replay skips validators, and it passed then too)
  if (!next.success) throw fieldError(next.issues[0]!.field, next.issues[0]!.message);
  s.rules = { trail: next.data.trail ?? s.rules.trail, takeProfit: next.data.takeProfit ?? s.rules.takeProfit };
  s.step++;
  await run.save();
  await run.recordEvent({ step: s.step, kind: 'edited', price: null, peak: s.peak, amount: null, orderId: null, detail: JSON.stringify(s.rules) });
  return s;
}

export function checkCancel(run: GuardRun): void {
  if (run.s.state !== 'watching') throw new Error(`the guard is ${run.s.state}; only a watching guard can be cancelled`);
}

export async function cancel(run: GuardRun, reason: string | null | undefined): Promise<GuardState> {
  // A cancel the user asked for carries no reason; one the platform made says why (histories before it had none).
  if (reason) {
    run.s.lastError = reason;
    run.s.step++;
    await run.recordEvent({ step: run.s.step, kind: 'cancelled', price: null, peak: run.s.peak, amount: null, orderId: null, detail: reason });
  }
  await run.setState('cancelled');
  return run.s.state as GuardState;
}
