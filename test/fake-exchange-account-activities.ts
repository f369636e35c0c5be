// Fake exchange account and schedule activities for workflow-logic tests and history recording: they record calls and
// fail the way the real ones do when told to.
import { ApplicationFailure } from '@temporalio/common';
import type { ExchangeAccountActivities } from '../activities/exchange-accounts.js';
import type { WalletSyncScheduleActivities } from '../activities/wallet-sync-schedules.js';
import type { ExchangeAccount, ExchangeAccountStatus } from '../domain/exchange-account.js';

export type Calls = string[];

export interface FakeBehaviour {
  /** Failure (type, retryable or not) the named activity throws on a call; undefined lets that call succeed. */
  failAt?: Record<string, () => ApplicationFailure | undefined>;
  /** Status the account had before a successful sync. */
  previousStatus?: ExchangeAccountStatus;
  /** The owner resumed the account after the sync started: a key rejection is stale. */
  resumedSinceSync?: boolean;
}

export const failures = {
  rejectedKey: () => ApplicationFailure.create({ type: 'InvalidCredentials', message: 'the exchange rejected this API key/secret', nonRetryable: true }),
  exchangeDown: () => ApplicationFailure.create({ type: 'ExchangeUnavailable', message: 'the exchange is not answering properly: 503' }),
  rateLimited: (ms: number) => ApplicationFailure.create({ type: 'ExchangeRateLimited', message: 'the exchange is rate limiting us', nextRetryDelay: ms }),
  gone: () => ApplicationFailure.create({ type: 'AccountNotFound', message: 'exchange account no longer exists', nonRetryable: true }),
  broken: () => ApplicationFailure.create({ type: 'Injected', message: 'injected failure', nonRetryable: true }),
};

export function fakeExchangeAccountActivities(calls: Calls, behaviour: FakeBehaviour = {}): ExchangeAccountActivities & WalletSyncScheduleActivities {
  const step = async (name: string) => {
    calls.push(name);
    const failure = behaviour.failAt?.[name]?.();
    if (failure) throw failure;
  };
  const account = (id: string): ExchangeAccount => ({
    id, userId: 'u1', exchangeId: 'paper', label: 'Paper', apiKeyHint: '…abcd', status: 'active', syncIntervalSeconds: 60,
    lastSyncAt: null, lastSuccessAt: null, lastError: null, createdAt: '2026-01-01T00:00:00.000Z',
  });
  return {
    verifyExchangeCredentials: async () => step('verifyExchangeCredentials'),
    insertExchangeAccount: async (input) => (await step('insertExchangeAccount'), account(input.accountId)),
    deleteExchangeAccountRecord: async () => step('deleteExchangeAccountRecord'),
    syncWallet: async () => {
      await step('syncWallet');
      return {
        status: 'active',
        previousStatus: behaviour.previousStatus ?? 'active',
        takenAt: '2026-01-01T00:00:00.000Z',
        balances: [{ asset: 'USDT', free: 100, used: 0, total: 100 }],
        openOrders: 0,
      };
    },
    recordWalletSyncFailure: async (_id, status) => step(`recordWalletSyncFailure:${status}`),
    ensureWalletSyncSchedule: async () => step('ensureWalletSyncSchedule'),
    deleteWalletSyncSchedule: async () => step('deleteWalletSyncSchedule'),
    pauseWalletSyncSchedule: async () => step('pauseWalletSyncSchedule'),
    resumeWalletSyncSchedule: async () => step('resumeWalletSyncSchedule'),
    rejectAccountKey: async () => {
      await step('rejectAccountKey');
      return !behaviour.resumedSinceSync;
    },
  };
}
