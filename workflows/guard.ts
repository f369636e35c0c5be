// Position guard (`guard:<guardId>`): a trailing stop and/or take-profit ladder on one bot trade or wallet holding.
// The guard watcher (workflows/guard-watch.ts, activities/guard-watcher.ts) prices the market for all guards of an
// exchange and signals this workflow only when it must act: stop crossed, target reached, or peak moved materially.
// This workflow owns the decisions: it re-checks every trigger against its own rules and state (an edit or a second
// trigger can race a signal), numbers each exit with a step (the client order id and event row derive from it, so a
// retried or crashed exit never sells twice), and takes edits and cancels as validated updates.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { GuardActivities } from '../activities/guards.js';
import type { GuardWatcherActivities } from '../activities/guard-watcher.js';
import type { Guard, GuardState } from '../domain/guard.js';
import { fieldError, fieldErrorOf } from '../domain/field-error.js';
import { checkCreateGuardInput, checkGuardRules, guardRuleIssue, type GuardRules } from '../domain/guard-rules.js';
import { guardLevels, nextTargetPrice, targetAmount, type WatchEvent } from '../domain/guard-math.js';
import { messageOf } from './failure-message.js';

export interface GuardWorkflowInput {
  guardId: string;
  userId: string;
  carried?: GuardWorkflowState;
}

export interface GuardWorkflowState {
  state: GuardState | 'new';
  exchangeId: string;
  symbol: string;
  entryPrice: number;
  amount: number;
  remaining: number;
  rules: GuardRules;
  peak: number;
  nextTarget: number;
  breakEven: boolean;
  /** The last step number used (exits and edits). */
  step: number;
  lastError: string | null;
  exits: Array<{ step: number; reason: string; amount: number; price: number | null; peak: number }>;
}

export const createGuard = defineUpdate<Guard, [spec: unknown]>('createGuard');
export const editGuard = defineUpdate<GuardWorkflowState, [rules: unknown]>('editGuard');
export const cancelGuard = defineUpdate<GuardState>('cancelGuard');
export const guardPrice = defineSignal<[WatchEvent]>('guardPrice');
export const guardState = defineQuery<GuardWorkflowState>('guardState');

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
// An exit is retried for a while (exchange down, bot busy); a gone target or a rejected key is final.
const exits = proxyActivities<GuardActivities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 12, nonRetryableErrorTypes: ['GuardTargetGone', 'InvalidCredentials'] },
});

type ExitReason = 'trailing_stop' | 'take_profit' | 'stoploss';
type StepEvent = Omit<Parameters<GuardActivities['recordGuardEvent']>[0], 'guardId'>;
/** Patch of exits that write the guard's row once before and once after the sale (see exit()). */
const EXIT_WRITES_ONCE = 'guard-exit-writes-once';

const EPS = 1e-12;

export async function guardWorkflow(input: GuardWorkflowInput): Promise<void> {
  const { guardId } = input;
  const s: GuardWorkflowState = input.carried ?? {
    state: 'new', exchangeId: '', symbol: '', entryPrice: 0, amount: 0, remaining: 0, rules: {}, peak: 0, nextTarget: 0, breakEven: false,
    step: 0, lastError: null, exits: [],
  };
  const events: WatchEvent[] = [];
  let createFailed = false;

  const decision = () =>
    ({ state: s.state as GuardState, rules: s.rules, nextTarget: s.nextTarget, breakEven: s.breakEven, remaining: s.remaining, peak: s.peak, lastError: s.lastError });
  const save = () => local.saveGuardDecision({ guardId, ...decision() });
  const setState = async (state: GuardState) => {
    s.state = state;
    upsertSearchAttributes({ GuardState: [state] });
    await save();
  };
  /** A step's event and the state after it, in one local activity. */
  const recordStep = async (event: StepEvent, state: GuardState) => {
    s.state = state;
    upsertSearchAttributes({ GuardState: [state] });
    await local.recordGuardStep({ guardId, event, decision: decision() });
  };

  setHandler(guardState, () => s);
  setHandler(guardPrice, (event) => {
    events.push(event);
  });

  setHandler(
    createGuard,
    async (spec) => {
      try {
        const guard = await store.createGuardRecord({ guardId, userId: input.userId, spec });
        Object.assign(s, {
          state: guard.state, exchangeId: guard.exchangeId, symbol: guard.symbol, entryPrice: guard.entryPrice, amount: guard.amount,
          remaining: guard.remaining, rules: guard.rules, peak: guard.peak, nextTarget: guard.nextTarget, breakEven: guard.breakEven,
        });
        upsertSearchAttributes({ GuardState: [guard.state], GuardSymbol: [guard.symbol], UserId: [input.userId] });
        await store.ensureGuardWatcher(guard.exchangeId);
        return guard;
      } catch (error) {
        createFailed = true;
        const invalid = fieldErrorOf(error);
        if (invalid) throw fieldError(invalid.field, invalid.message);
        const cause = (error as { cause?: ApplicationFailure }).cause;
        throw ApplicationFailure.create({ type: cause?.type ?? 'GuardCreateFailed', message: messageOf(error), nonRetryable: true });
      }
    },
    {
      validator: (spec) => {
        if (s.state !== 'new') throw new Error('this guard exists already');
        const checked = checkCreateGuardInput(spec);
        if (!checked.success) throw fieldError(checked.issues[0]!.field, checked.issues[0]!.message);
      },
    },
  );

  // An edit replaces what it names (the trail, the ladder) and keeps the rest.
  setHandler(
    editGuard,
    async (rules) => {
      const next = checkGuardRules(rules); // the validator has passed it (replay skips validators, and it passed then too)
      if (!next.success) throw fieldError(next.issues[0]!.field, next.issues[0]!.message);
      s.rules = { trail: next.data.trail ?? s.rules.trail, takeProfit: next.data.takeProfit ?? s.rules.takeProfit };
      s.step++;
      await save();
      await local.recordGuardEvent({ guardId, step: s.step, kind: 'edited', price: null, peak: s.peak, amount: null, orderId: null, detail: JSON.stringify(s.rules) });
      return s;
    },
    {
      validator: (rules) => {
        if (s.state !== 'watching') throw new Error(`the guard is ${s.state}; only a watching guard can be edited`);
        const checked = checkGuardRules(rules);
        if (!checked.success) throw fieldError(checked.issues[0]!.field, checked.issues[0]!.message);
        if (checked.data.takeProfit && s.nextTarget > 0) throw fieldError('takeProfit', 'a target has sold already; the ladder can no longer change');
        const merged = { trail: checked.data.trail ?? s.rules.trail, takeProfit: checked.data.takeProfit ?? s.rules.takeProfit };
        const issue = guardRuleIssue(merged, s.entryPrice);
        if (issue) throw fieldError(issue.field, issue.message);
      },
    },
  );

  setHandler(
    cancelGuard,
    async () => {
      await setState('cancelled');
      return s.state as GuardState;
    },
    { validator: () => {
      if (s.state !== 'watching') throw new Error(`the guard is ${s.state}; only a watching guard can be cancelled`);
    } },
  );

  /**
   * Sells `amount` as the next step, then records it with the state `settle` decides once the sale is done; false when
   * the exit failed for good (the guard is then `failed`). Since EXIT_WRITES_ONCE the row is written once with the
   * order (by the exit activity) and once after it (event and state together): two workflow activations fewer per exit
   * than the separate writes before, which histories from before still replay.
   */
  async function exit(amount: number, reason: ExitReason, peak: number, settle: () => GuardState): Promise<boolean> {
    const once = patched(EXIT_WRITES_ONCE);
    s.state = 'exiting';
    if (!once) await save();
    s.step++;
    const step = s.step;
    let event: StepEvent;
    try {
      const done = await exits.executeGuardExit({ guardId, step, amount, remainingBefore: s.remaining, reason, ...(once ? { exiting: { peak } } : {}) });
      const sold = done.alreadyClosed ? s.remaining : done.amount;
      s.remaining = Math.max(0, s.remaining - sold);
      s.exits.push({ step, reason, amount: done.amount, price: done.price, peak });
      event = {
        step, kind: done.alreadyClosed ? 'position_gone' : reason, price: done.price, peak, amount: done.amount, orderId: done.orderId,
        detail: done.alreadyClosed ? 'the position had closed before the guard exited it' : null,
      };
      if (!once) await local.recordGuardEvent({ guardId, ...event });
    } catch (error) {
      s.lastError = messageOf(error);
      log.warn('guard exit failed', { guardId, step, error: s.lastError });
      const failed: StepEvent = { step, kind: 'exit_failed', price: null, peak, amount, orderId: null, detail: s.lastError };
      if (once) {
        await recordStep(failed, 'failed');
      } else {
        await local.recordGuardEvent({ guardId, ...failed });
        await setState('failed');
      }
      return false;
    }
    if (once) await recordStep(event, settle());
    else await setState(settle());
    return true;
  }

  async function handle(event: WatchEvent): Promise<void> {
    if (s.state !== 'watching') return; // a trigger after the exit, or after a cancel: nothing to do
    s.peak = Math.max(s.peak, event.peak);
    if (event.kind === 'peak') return;
    if (event.kind === 'stop') {
      const { stop } = guardLevels(s, s.peak);
      // Re-checked here: the rules may have changed since the watcher looked. A stop crossed while nobody watched holds.
      if (event.missedAt === undefined && (stop === null || event.price > stop)) return;
      await exit(s.remaining, guardLevels(s, s.peak).activated ? 'trailing_stop' : 'stoploss', s.peak, () => 'exited');
      return;
    }
    const target = nextTargetPrice(s);
    if (event.index !== s.nextTarget || target === null || event.price < target) return;
    await exit(targetAmount(s.rules, s.nextTarget, s.amount, s.remaining), 'take_profit', s.peak, () => {
      if (s.nextTarget === 0 && s.rules.takeProfit?.breakEvenAfterFirst) s.breakEven = true;
      s.nextTarget++;
      const left = nextTargetPrice(s) !== null || s.rules.trail !== undefined;
      return s.remaining <= EPS ? 'completed' : left ? 'watching' : 'completed';
    });
  }

  const live = () => s.state === 'watching' || s.state === 'exiting' || s.state === 'new';
  await condition(() => s.state !== 'new' || createFailed);
  if (createFailed) return;
  while (live()) {
    await condition(() => events.length > 0 || !live() || workflowInfo().continueAsNewSuggested);
    while (events.length > 0 && live()) await handle(events.shift()!);
    if (live() && events.length === 0 && workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof guardWorkflow>({ ...input, carried: s });
    }
  }
  await condition(allHandlersFinished);
}
