// Position guard (`guard:<guardId>`): a trailing stop and/or take-profit ladder on one bot trade or wallet holding.
// The guard watcher (workflows/guard-watch.ts, activities/guard-watcher.ts) prices the market for all guards of an
// exchange and signals this workflow only when it must act: stop crossed, target reached, or peak moved materially.
// This workflow owns the decisions: it re-checks every trigger against its own rules and state (an edit or a second
// trigger can race a signal), numbers each exit with a step (the client order id and event row derive from it, so a
// retried or crashed exit never sells twice), and takes edits and cancels as validated updates. A guard made by a batch
// gets this workflow only when it first acts: started by that signal or update, with the guard's row as `carried`.
import { allHandlersFinished, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { guardLevels, nextTargetPrice, targetAmount, type WatchEvent } from '../domain/guard-math.js';
import { cancel, checkCancel, checkCreate, checkEdit, create, edit, guardRun, type GuardRun } from './guard-commands.js';
import { exit } from './guard-exit.js';
import { cancelGuard, createGuard, editGuard, guardPrice, guardState, type GuardWorkflowInput } from './guard-messages.js';

export * from './guard-messages.js';

const EPS = 1e-12;

export async function guardWorkflow(input: GuardWorkflowInput): Promise<void> {
  const run = guardRun(input);
  const { s } = run;
  const events: WatchEvent[] = [];

  setHandler(guardState, () => s);
  setHandler(guardPrice, (event) => {
    events.push(event);
  });
  setHandler(createGuard, (spec) => create(run, spec), { validator: (spec) => checkCreate(run, spec) });
  setHandler(editGuard, (rules) => edit(run, rules), { validator: (rules) => checkEdit(run, rules) });
  setHandler(cancelGuard, (reason) => cancel(run, reason), { validator: (_reason) => checkCancel(run) });

  const live = () => s.state === 'watching' || s.state === 'exiting' || s.state === 'new';
  await condition(() => s.state !== 'new' || run.createFailed);
  if (run.createFailed) {
    // Refused because the database does not confirm the owner (a workflow started outside the API): end failed, visibly.
    if (run.ownerRefusal && patched('owner-refusal-fails-guard')) {
      await condition(allHandlersFinished);
      throw run.ownerRefusal;
    }
    return;
  }
  while (live()) {
    await condition(() => events.length > 0 || !live() || workflowInfo().continueAsNewSuggested);
    while (events.length > 0 && live()) await handle(run, events.shift()!);
    if (live() && events.length === 0 && workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof guardWorkflow>({ ...input, carried: s });
    }
  }
  await condition(allHandlersFinished);
}

/** What one trigger from the watcher means for this guard, checked against its own rules and state; an exit when it holds. */
async function handle(run: GuardRun, event: WatchEvent): Promise<void> {
  const { s } = run;
  if (s.state !== 'watching') return; // a trigger after the exit, or after a cancel: nothing to do
  s.peak = Math.max(s.peak, event.peak);
  if (event.kind === 'peak') return;
  if (event.kind === 'stop') {
    const { stop } = guardLevels(s, s.peak);
    // Re-checked here: the rules may have changed since the watcher looked. A stop crossed while nobody watched holds.
    if (event.missedAt === undefined && (stop === null || event.price > stop)) return;
    await exit(run, s.remaining, guardLevels(s, s.peak).activated ? 'trailing_stop' : 'stoploss', s.peak, () => 'exited');
    return;
  }
  const target = nextTargetPrice(s);
  if (event.index !== s.nextTarget || target === null || event.price < target) return;
  await exit(run, targetAmount(s.rules, s.nextTarget, s.amount, s.remaining), 'take_profit', s.peak, () => {
    if (s.nextTarget === 0 && s.rules.takeProfit?.breakEvenAfterFirst) s.breakEven = true;
    s.nextTarget++;
    const left = nextTargetPrice(s) !== null || s.rules.trail !== undefined;
    return s.remaining <= EPS ? 'completed' : left ? 'watching' : 'completed';
  });
}
