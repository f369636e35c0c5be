// The position guard's messages (`guard:<guardId>`), apart from its code so the API, the watcher and tests import them lightly.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Guard, GuardState } from '../domain/guard.js';
import type { WatchEvent } from '../domain/guard-math.js';

export interface GuardWorkflowInput {
  guardId: string;
  userId: string;
  carried?: GuardWorkflowState;
}

/** The guard as its workflow keeps it: the row's decisions, and the steps taken so far. */
export interface GuardWorkflowState
  extends Pick<Guard, 'exchangeId' | 'symbol' | 'entryPrice' | 'amount' | 'remaining' | 'rules' | 'peak' | 'nextTarget' | 'breakEven' | 'lastError'> {
  state: GuardState | 'new';
  /** The last step number used (exits and edits). */
  step: number;
  exits: Array<{ step: number; reason: string; amount: number; price: number | null; peak: number }>;
}

/**
 * The state a guard's workflow starts with when the guard exists only as its row (made by a batch): watching, as the
 * row says. The watcher starts the workflow with it on the guard's first trigger, the API on its first edit or cancel.
 */
export const carriedState = (g: Pick<Guard, 'exchangeId' | 'symbol' | 'entryPrice' | 'amount' | 'remaining' | 'rules' | 'peak' | 'nextTarget' | 'breakEven'>): GuardWorkflowState => ({
  state: 'watching', exchangeId: g.exchangeId, symbol: g.symbol, entryPrice: g.entryPrice, amount: g.amount, remaining: g.remaining,
  rules: g.rules, peak: g.peak, nextTarget: g.nextTarget, breakEven: g.breakEven, step: 0, lastError: null, exits: [],
});

export const createGuard = defineUpdate<Guard, [spec: unknown]>('createGuard');
export const editGuard = defineUpdate<GuardWorkflowState, [rules: unknown]>('editGuard');
/** Cancels a watching guard; `reason` (when the platform ends it, e.g. its bot was deleted) is kept on the guard. */
export const cancelGuard = defineUpdate<GuardState, [reason: string | null]>('cancelGuard');
export const guardPrice = defineSignal<[WatchEvent]>('guardPrice');
export const guardState = defineQuery<GuardWorkflowState>('guardState');
