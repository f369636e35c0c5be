// Exchange accounts: a user's API credentials on an exchange (stored sealed), synced into balance snapshots.
import { z } from 'zod';

export const ExchangeAccountStatus = z.enum(['active', 'paused', 'invalid_credentials', 'error']);
export type ExchangeAccountStatus = z.infer<typeof ExchangeAccountStatus>;

export const CreateExchangeAccountInput = z
  .object({
    exchangeId: z.string().trim().toLowerCase().regex(/^[a-z0-9]{2,30}$/, 'must be a ccxt exchange id such as binance').default('paper'),
    label: z.string().trim().min(1, 'is required').max(64, 'must be at most 64 characters'),
    apiKey: z.string().trim().min(8, 'is too short').max(512),
    secret: z.string().trim().min(8, 'is too short').max(1024),
    passphrase: z.string().max(256).optional(),
    syncIntervalSeconds: z.number().int().min(10, 'must be at least 10 seconds').max(86_400).default(60),
  })
  .strict();
export type CreateExchangeAccountInput = z.input<typeof CreateExchangeAccountInput>;

export const UpdateExchangeAccountInput = z
  .object({
    label: z.string().trim().min(1, 'is required').max(64).optional(),
    syncIntervalSeconds: z.number().int().min(10, 'must be at least 10 seconds').max(86_400).optional(),
  })
  .strict();

/** An account as the API shows it: never the key, secret or passphrase, only the key's last 4 characters. */
export const ExchangeAccount = z.object({
  id: z.string().uuid(),
  userId: z.string(),
  exchangeId: z.string(),
  label: z.string(),
  apiKeyHint: z.string(),
  status: ExchangeAccountStatus,
  syncIntervalSeconds: z.number().int(),
  lastSyncAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
});
export type ExchangeAccount = z.infer<typeof ExchangeAccount>;

export const Balance = z.object({ asset: z.string(), free: z.number(), used: z.number(), total: z.number() });
export type Balance = z.infer<typeof Balance>;

export const OpenOrder = z.object({
  id: z.string(),
  clientOrderId: z.string().nullable(),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  type: z.string(),
  price: z.number().nullable(),
  amount: z.number(),
  filled: z.number(),
  createdAt: z.string().nullable(),
});
export type OpenOrder = z.infer<typeof OpenOrder>;

export const WalletSnapshot = z.object({
  accountId: z.string(),
  takenAt: z.string(),
  balances: z.array(Balance),
  openOrders: z.array(OpenOrder),
});
export type WalletSnapshot = z.infer<typeof WalletSnapshot>;

export const apiKeyHint = (apiKey: string): string => `…${apiKey.slice(-4)}`;
