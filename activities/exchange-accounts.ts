// Activities of exchange accounts: checking a key with a real call, the account's row, and syncing its wallet into snapshots.
import { ApplicationFailure } from '@temporalio/common';
import { apiKeyHint, type Balance, type ExchangeAccount, type ExchangeAccountStatus, type OpenOrder } from '../domain/exchange-account.js';
import { exchangeProfile } from '../domain/exchanges.js';
import * as accounts from '../db/exchange-accounts.js';
import type { DualWriteSink } from '../db/legacy-mirror.js';
import type { Db } from '../db/pool.js';
import { accountCredentialsPlace, type SecretBox } from '../db/secret-box.js';
import { assertSameOwner, confirmedOwner } from './owner-check.js';
import type { Notifier } from '../telemetry/notify.js';
import { nonZeroBalances, toOpenOrder } from './ccxt-wallet.js';
import { createExchangeClient, isKnownExchange, type ExchangeCredentials } from './exchange-client.js';
import { exchangeFailure } from './exchange-errors.js';
import { recordWalletSyncFailure } from '../telemetry/worker-metrics.js';

export interface ExchangeAccountActivityDeps {
  db: Db;
  /** Where the account's row is mirrored while a migration run has dual-write on; null without MONGO_URL. */
  dualWrite: DualWriteSink | null;
  box: SecretBox;
  paperExchangeUrl: string;
  /** Tells the owner once per failure streak (since the last successful sync). */
  notifier?: Notifier;
  /** Per HTTP request to the exchange. */
  requestTimeoutMs?: number;
  /** MAX_EXCHANGE_ACCOUNTS_PER_USER, checked atomically with the insert. */
  maxAccountsPerUser?: number;
}

/** What addExchangeAccount carries: the credentials only ever sealed, never in clear text. */
export interface NewExchangeAccountInput {
  accountId: string;
  userId: string;
  exchangeId: string;
  label: string;
  syncIntervalSeconds: number;
  sealedCredentials: string;
}

export interface WalletSyncResult {
  status: ExchangeAccountStatus;
  previousStatus: ExchangeAccountStatus;
  takenAt: string;
  balances: Balance[];
  openOrders: number;
}

export const AccountFailureType = {
  unknownExchange: 'UnknownExchange',
  missingPassphrase: 'MissingPassphrase',
  notFound: 'AccountNotFound',
} as const;

export function createExchangeAccountActivities(deps: ExchangeAccountActivityDeps) {
  const { db, dualWrite, box } = deps;

  function openCredentials(sealed: string, accountId: string): ExchangeCredentials {
    return JSON.parse(box.open(sealed, accountCredentialsPlace(accountId))) as ExchangeCredentials;
  }

  function clientFor(exchangeId: string, credentials: ExchangeCredentials) {
    const profile = exchangeProfile(exchangeId, deps.paperExchangeUrl);
    if (!isKnownExchange(profile.ccxtId)) {
      throw ApplicationFailure.create({
        type: AccountFailureType.unknownExchange,
        message: `"${exchangeId}" is not an exchange tradefleet can reach (use paper or a ccxt exchange id such as binance)`,
        nonRetryable: true,
      });
    }
    if (profile.needsPassphrase && !credentials.passphrase) {
      throw ApplicationFailure.create({ type: AccountFailureType.missingPassphrase, message: `${exchangeId} needs the API key's passphrase`, nonRetryable: true });
    }
    return createExchangeClient(profile, credentials, deps.requestTimeoutMs ?? 10_000);
  }

  return {
    /** A real authenticated call (the balance), so a key is saved only when the exchange accepts it. */
    async verifyExchangeCredentials(input: { accountId: string; exchangeId: string; sealedCredentials: string }): Promise<void> {
      const credentials = openCredentials(input.sealedCredentials, input.accountId);
      const client = clientFor(input.exchangeId, credentials);
      try {
        await client.fetchBalance();
      } catch (error) {
        throw exchangeFailure(error, client, [credentials.apiKey, credentials.secret, credentials.passphrase]);
      }
    },

    /** Idempotent by id: a retried insert returns the row the first attempt wrote. */
    async insertExchangeAccount(input: NewExchangeAccountInput): Promise<ExchangeAccount> {
      const existing = await accounts.findExchangeAccount(db, input.accountId);
      const userId = existing ? existing.userId : await confirmedOwner(db, 'exchange_account', input.accountId, input.userId);
      assertSameOwner(`exchange account ${input.accountId}`, input.userId, userId);
      try {
        return await accounts.insertExchangeAccount(db, dualWrite, {
          id: input.accountId,
          userId,
          exchangeId: input.exchangeId,
          label: input.label,
          apiKeyHint: apiKeyHint(openCredentials(input.sealedCredentials, input.accountId).apiKey),
          sealedCredentials: input.sealedCredentials,
          syncIntervalSeconds: input.syncIntervalSeconds,
        }, deps.maxAccountsPerUser);
      } catch (error) {
        if (error instanceof accounts.AccountQuotaError) throw ApplicationFailure.nonRetryable(error.message, 'QuotaExceeded');
        throw error;
      }
    },

    async deleteExchangeAccountRecord(accountId: string): Promise<void> {
      await accounts.deleteExchangeAccountRecord(db, accountId);
    },

    /** Balances and open orders (all symbols) into a snapshot; the account's sync times and status follow. */
    async syncWallet(accountId: string): Promise<WalletSyncResult> {
      const account = await accounts.findExchangeAccountWithSecret(db, accountId);
      if (!account) throw ApplicationFailure.create({ type: AccountFailureType.notFound, message: `exchange account ${accountId} no longer exists`, nonRetryable: true });
      const credentials = openCredentials(account.credentials, account.id);
      const client = clientFor(account.exchangeId, credentials);
      let balances: Balance[];
      let openOrders: OpenOrder[];
      try {
        balances = nonZeroBalances(await client.fetchBalance());
        openOrders = (await client.fetchOpenOrders()).map(toOpenOrder);
      } catch (error) {
        throw exchangeFailure(error, client, [credentials.apiKey, credentials.secret, credentials.passphrase]);
      }
      const recorded = await accounts.recordWalletSync(db, accountId, { balances, openOrders });
      if (!recorded) throw ApplicationFailure.create({ type: AccountFailureType.notFound, message: `exchange account ${accountId} was deleted during the sync`, nonRetryable: true });
      return { status: recorded.account.status, previousStatus: recorded.previousStatus, takenAt: recorded.takenAt, balances, openOrders: openOrders.length };
    },

    async recordWalletSyncFailure(accountId: string, status: 'error' | 'invalid_credentials', message: string): Promise<void> {
      recordWalletSyncFailure(status);
      const account = await accounts.recordWalletSyncFailure(db, accountId, status, message);
      if (account && account.status !== 'paused') {
        await deps.notifier?.notify({
          userId: account.userId, kind: 'wallet_sync_failing', severity: 'warning', botId: null,
          sourceKey: `wallet-failing:${accountId}:${status}:${account.lastSuccessAt ?? 'never'}`,
          title: status === 'invalid_credentials' ? `The exchange rejected the key of account ${account.label}` : `Wallet sync of account ${account.label} is failing`,
          body: message,
        });
      }
    },
  };
}

export type ExchangeAccountActivities = ReturnType<typeof createExchangeAccountActivities>;
