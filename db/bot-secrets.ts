// The secrets of a bot, opened from its row and its exchange account: what no line the platform shows or records may
// hold (its log through the API, its pool's last-exit line).
import type { Bot } from '../domain/bot.js';
import { findBotWithSecret } from './bots.js';
import { findExchangeAccountWithSecret } from './exchange-accounts.js';
import type { Db } from './pool.js';
import { accountCredentialsPlace, botCredentialsPlace, type SecretBox } from './secret-box.js';

/** Shorter strings are not masked: they would mask ordinary words. */
const MIN_SECRET_LENGTH = 6;

/** The bot's API password and JWT secret, and its exchange account's key, secret and passphrase. */
export async function botSecrets(deps: { db: Db; box: SecretBox }, bot: Pick<Bot, 'id' | 'exchangeAccountId'>): Promise<string[]> {
  const row = await findBotWithSecret(deps.db, bot.id);
  const api = row ? (JSON.parse(deps.box.open(row.apiCredentials, botCredentialsPlace(row.id))) as Record<string, unknown>) : {};
  const account = bot.exchangeAccountId ? await findExchangeAccountWithSecret(deps.db, bot.exchangeAccountId) : null;
  const key = account ? (JSON.parse(deps.box.open(account.credentials, accountCredentialsPlace(account.id))) as Record<string, unknown>) : {};
  return [api['password'], api['jwtSecret'], key['apiKey'], key['secret'], key['passphrase']]
    .filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
}
