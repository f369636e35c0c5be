// Exchange accounts: `addExchangeAccount` checks a key on the exchange, then saves account + sync schedule as a saga;
// `walletSync` is what the account's schedule runs.
import { ActivityFailure, ApplicationFailure, log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ExchangeAccountActivities, NewExchangeAccountInput, WalletSyncResult } from '../activities/exchange-accounts.js';
import type { WalletSyncScheduleActivities } from '../activities/wallet-sync-schedules.js';
import type { ExchangeAccount } from '../domain/exchange-account.js';

export type AddExchangeAccountInput = NewExchangeAccountInput;

export type WalletSyncOutcome =
  | ({ outcome: 'synced' } & WalletSyncResult)
  | { outcome: 'invalid_credentials'; message: string }
  | { outcome: 'account_gone' };

// Exchange calls: an unreachable or throttling exchange gets a few tries with backoff (a 429's Retry-After overrides
// the backoff); a rejected key or an unknown exchange is final at once (the activities mark those non-retryable).
const exchange = proxyActivities<ExchangeAccountActivities>({
  startToCloseTimeout: '45 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 4 },
});
const platform = proxyActivities<ExchangeAccountActivities & WalletSyncScheduleActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 8 },
});

/** The application failure an activity failed with (its type says what happened), or the error itself. */
function rootFailure(error: unknown): { type: string; message: string } {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'Error', message: cause.message };
  if (cause instanceof Error) return { type: cause.name, message: cause.message };
  return { type: 'Error', message: String(cause) };
}

export async function addExchangeAccount(input: AddExchangeAccountInput): Promise<ExchangeAccount> {
  const { accountId } = input;
  try {
    await exchange.verifyExchangeCredentials({ accountId: input.accountId, exchangeId: input.exchangeId, sealedCredentials: input.sealedCredentials });
  } catch (error) {
    // Nothing is saved yet: the caller learns why the key was refused (the type maps to the HTTP answer).
    const failure = rootFailure(error);
    throw ApplicationFailure.create({ type: failure.type, message: failure.message, nonRetryable: true });
  }

  // Each undo is pushed before its step runs, so a step that did its work but failed to report it is undone too.
  const compensations: Array<() => Promise<void>> = [];
  let step = 'insert-account';
  try {
    compensations.unshift(() => platform.deleteExchangeAccountRecord(accountId));
    const account = await platform.insertExchangeAccount(input);
    step = 'create-schedule';
    compensations.unshift(() => platform.deleteWalletSyncSchedule(accountId));
    await platform.ensureWalletSyncSchedule({ accountId, intervalSeconds: input.syncIntervalSeconds });
    return account;
  } catch (error) {
    log.warn('adding the exchange account failed; undoing', { accountId, step });
    for (const undo of compensations) {
      await undo().catch((e: unknown) => log.error('compensation failed', { accountId, error: rootFailure(e).message }));
    }
    const root = rootFailure(error);
    // The owner's limit, checked where the row is written: the API answers 409 with the limit's own message.
    if (root.type === 'QuotaExceeded') throw ApplicationFailure.create({ type: 'QuotaExceeded', message: root.message, nonRetryable: true });
    throw ApplicationFailure.create({ type: 'SaveFailed', message: `could not save the account at ${step}: ${root.message}`, nonRetryable: true });
  }
}

export async function walletSync(accountId: string): Promise<WalletSyncOutcome> {
  let result: WalletSyncResult;
  try {
    result = await exchange.syncWallet(accountId);
  } catch (error) {
    const failure = rootFailure(error);
    if (failure.type === 'AccountNotFound') return { outcome: 'account_gone' }; // deleted while its schedule fired
    if (failure.type === 'InvalidCredentials' && patched('stale-key-rejection-guard')) {
      // Retrying a rejected key only burns the exchange's patience: stop the schedule until someone acts. The pause and
      // the status change happen together under the account's row lock, and not at all when the owner resumed the
      // account after this run started (its failure is then about the key as it was).
      const marked = await platform.rejectAccountKey({ accountId, syncStartedAt: workflowInfo().runStartTime.toISOString(), message: failure.message });
      if (!marked) log.info('the key was rejected, but the account was resumed since this sync started; left as it is', { accountId });
      return { outcome: 'invalid_credentials', message: failure.message };
    }
    if (failure.type === 'InvalidCredentials') {
      // Runs recorded before the guard: retrying a rejected key only burns the exchange's patience: stop the schedule until someone acts. Paused
      // before the status is written, so an account shown as invalid_credentials never still has a running schedule.
      await platform.pauseWalletSyncSchedule(accountId, 'paused: the exchange rejected the API key; resume once the key works again');
      await platform.recordWalletSyncFailure(accountId, 'invalid_credentials', failure.message);
      return { outcome: 'invalid_credentials', message: failure.message };
    }
    // Transient: record it and fail this run; the schedule keeps going, so the next run recovers by itself.
    await platform.recordWalletSyncFailure(accountId, 'error', failure.message);
    throw ApplicationFailure.create({ type: failure.type, message: `wallet sync failed: ${failure.message}`, nonRetryable: true });
  }
  if (result.previousStatus === 'invalid_credentials') {
    // A sync started by hand succeeded with the key the exchange had rejected: the key works again.
    await platform.resumeWalletSyncSchedule(accountId, 'resumed: the API key works again');
  }
  return { outcome: 'synced', ...result };
}
