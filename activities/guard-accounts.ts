// The exchange clients guards sell and check with: ccxt clients are heavy (megabytes each), so markets load once per
// exchange into a public client, and a bounded set of account clients (most recently used) borrow them; an exit never
// pays for exchangeInfo and memory stays flat.
import { ApplicationFailure } from '@temporalio/common';
import type { Exchange } from 'ccxt';
import { findExchangeAccountWithSecret } from '../db/exchange-accounts.js';
import type { Db } from '../db/pool.js';
import { accountCredentialsPlace, type SecretBox } from '../db/secret-box.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { createExchangeClient, type ExchangeCredentials } from './exchange-client.js';

const MAX_CLIENTS = 16;

export interface GuardAccountClient {
  client: Exchange;
  exchangeId: string;
  userId: string;
  /** Credentials to keep out of error messages. */
  secrets: string[];
  /** The account's label, as its owner named it. */
  label: string;
}

export function createGuardAccountClients(deps: { db: Db; box: SecretBox; paperExchangeUrl: string }) {
  const marketSources = new Map<string, Promise<Exchange>>();
  const clients = new Map<string, { sealed: string; client: Exchange }>();

  /** The exchange's public client with its markets loaded (tickers, order books). */
  function marketsOf(exchangeId: string): Promise<Exchange> {
    let source = marketSources.get(exchangeId);
    if (!source) {
      const client = createExchangeClient(exchangeProfile(exchangeId, deps.paperExchangeUrl));
      source = client.loadMarkets().then(() => client);
      source.catch(() => marketSources.delete(exchangeId));
      marketSources.set(exchangeId, source);
    }
    return source;
  }

  /** The account's own client; `GuardTargetGone` when the account no longer exists. */
  async function accountClient(accountId: string): Promise<GuardAccountClient> {
    const account = await findExchangeAccountWithSecret(deps.db, accountId);
    if (!account) throw ApplicationFailure.nonRetryable(`exchange account ${accountId} no longer exists`, 'GuardTargetGone');
    const credentials = JSON.parse(deps.box.open(account.credentials, accountCredentialsPlace(account.id))) as ExchangeCredentials;
    let cached = clients.get(accountId);
    if (!cached || cached.sealed !== account.credentials) {
      const client = createExchangeClient(exchangeProfile(account.exchangeId, deps.paperExchangeUrl), credentials);
      client.setMarketsFromExchange(await marketsOf(account.exchangeId));
      cached = { sealed: account.credentials, client };
    }
    clients.delete(accountId);
    clients.set(accountId, cached);
    if (clients.size > MAX_CLIENTS) clients.delete(clients.keys().next().value!);
    return {
      client: cached.client, exchangeId: account.exchangeId, userId: account.userId, label: account.label,
      secrets: [credentials.apiKey, credentials.secret, credentials.passphrase ?? ''],
    };
  }

  return { marketsOf, accountClient };
}
