// A guard's exit: sells the next step exactly once (the step number keys the client order id and the event row), then
// records what it sold and the state it leaves the guard in. Exits recorded before EXIT_WRITES_ONCE replay on their own path.
import { log, patched, proxyActivities } from '@temporalio/workflow';
import type { ExitResult, GuardActivities } from '../activities/guards.js';
import type { GuardState } from '../domain/guard.js';
import { messageOf } from './failure-message.js';
import type { GuardRun, StepEvent } from './guard-commands.js';

export type ExitReason = 'trailing_stop' | 'take_profit' | 'stoploss';

/** Patch of exits that write the guard's row once before and once after the sale (see exit()). */
const EXIT_WRITES_ONCE = 'guard-exit-writes-once';

// An exit is retried for a while (exchange down, bot busy); a gone target or a rejected key is final.
const exits = proxyActivities<GuardActivities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 12, nonRetryableErrorTypes: ['GuardTargetGone', 'InvalidCredentials'] },
});

/**
 * Sells `amount` as the next step, then records it with the state `settle` decides once the sale is done; false when
 * the exit failed for good (the guard is then `failed`). The row is written once with the order (by the exit activity)
 * and once after it (event and state together): two workflow activations fewer per exit than the separate writes before.
 */
export async function exit(run: GuardRun, amount: number, reason: ExitReason, peak: number, settle: () => GuardState): Promise<boolean> {
  if (!patched(EXIT_WRITES_ONCE)) return exitWithSeparateWrites(run, amount, reason, peak, settle);
  const { guardId, s } = run;
  s.state = 'exiting';
  s.step++;
  const step = s.step;
  let event: StepEvent;
  try {
    const done = await exits.executeGuardExit({ guardId, step, amount, remainingBefore: s.remaining, reason, exiting: { peak } });
    event = booked(run, step, reason, peak, done);
  } catch (error) {
    await run.recordStep(exitFailed(run, step, amount, peak, error), 'failed');
    return false;
  }
  await run.recordStep(event, settle());
  return true;
}

/** An exit as histories from before EXIT_WRITES_ONCE recorded it: the row saved before the sale, then the event and the state apart. */
async function exitWithSeparateWrites(run: GuardRun, amount: number, reason: ExitReason, peak: number, settle: () => GuardState): Promise<boolean> {
  const { guardId, s } = run;
  s.state = 'exiting';
  await run.save();
  s.step++;
  const step = s.step;
  try {
    const done = await exits.executeGuardExit({ guardId, step, amount, remainingBefore: s.remaining, reason });
    await run.recordEvent(booked(run, step, reason, peak, done));
  } catch (error) {
    await run.recordEvent(exitFailed(run, step, amount, peak, error));
    await run.setState('failed');
    return false;
  }
  await run.setState(settle());
  return true;
}

/** Books a done sale in the guard's state; its event. */
function booked(run: GuardRun, step: number, reason: ExitReason, peak: number, done: ExitResult): StepEvent {
  const { s } = run;
  const sold = done.alreadyClosed ? s.remaining : done.amount;
  s.remaining = Math.max(0, s.remaining - sold);
  s.exits.push({ step, reason, amount: done.amount, price: done.price, peak });
  return {
    step, kind: done.alreadyClosed ? 'position_gone' : reason, price: done.price, peak, amount: done.amount, orderId: done.orderId,
    detail: done.alreadyClosed ? 'the position had closed before the guard exited it' : null,
  };
}

/** Keeps why an exit failed for good in the guard's state; the step's `exit_failed` event. */
function exitFailed(run: GuardRun, step: number, amount: number, peak: number, error: unknown): StepEvent {
  run.s.lastError = messageOf(error);
  log.warn('guard exit failed', { guardId: run.guardId, step, error: run.s.lastError });
  return { step, kind: 'exit_failed', price: null, peak, amount, orderId: null, detail: run.s.lastError };
}
