// The configuration a bot host process receives: which bots it runs, the credentials of each bot's REST API, and what each bot trades.
import { z } from 'zod';
import { Strategy } from './strategy.js';

/** How the host reaches a bot's exchange through ccxt: the fields of domain/exchanges.ts's ExchangeProfile the host needs. */
export const BotExchangeProfile = z.object({
  /** ccxt class name; the builtin host bundles `binance` (which also serves the paper exchange). */
  ccxtId: z.string().min(1),
  /** Overrides of ccxt's `urls.api` (the paper exchange: public and private both at `<url>/api/v3`). */
  apiUrls: z.record(z.string(), z.string()).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  /** ccxt's proxy setting in a container without a network (`httpProxy` or `httpsProxy`: domain/bot-channel.ts). */
  proxy: z.record(z.string(), z.string()).optional(),
});
export type BotExchangeProfile = z.infer<typeof BotExchangeProfile>;

/** A user's exchange API key; only live bots get one, and only in the 0600 config file. */
export const BotExchangeCredentials = z.object({
  apiKey: z.string().min(1),
  secret: z.string().min(1),
  passphrase: z.string().optional(),
});
export type BotExchangeCredentials = z.infer<typeof BotExchangeCredentials>;

export const HostedBotConfig = z
  .object({
    botId: z.string(),
    name: z.string(),
    exchange: z.string(),
    pairs: z.array(z.string()).min(1),
    stakeAmount: z.number().positive(),
    stakeCurrency: z.string(),
    dryRun: z.boolean(),
    /** TCP port of this bot's FreqTrade-compatible REST API. */
    apiPort: z.number().int().min(1).max(65535),
    api: z.object({
      username: z.string().min(1),
      password: z.string().min(16),
      jwtSecret: z.string().min(32),
    }),
    /** The strategy version the bot runs; without one the host's default strategy applies. */
    strategy: Strategy.optional(),
    /** Where market data and orders go; without one the bot serves its API but does not trade. */
    exchangeProfile: BotExchangeProfile.optional(),
    /** Exchange API key of a live bot; never set for dry-run bots. */
    credentials: BotExchangeCredentials.optional(),
    /** Dry-run starting capital in the stake currency; default stakeAmount * max open trades. */
    dryRunWallet: z.number().positive().optional(),
  })
  .superRefine((bot, ctx) => {
    if (!bot.dryRun && !bot.credentials) ctx.addIssue({ code: 'custom', path: ['credentials'], message: 'a live bot needs exchange credentials' });
    if (!bot.dryRun && !bot.exchangeProfile) ctx.addIssue({ code: 'custom', path: ['exchangeProfile'], message: 'a live bot needs an exchange profile' });
  });
export type HostedBotConfig = z.infer<typeof HostedBotConfig>;

export const BotHostConfig = z.object({
  /** Address each bot's API listens on when it has no socket directory (a local process: 127.0.0.1). */
  listenHost: z.string().default('127.0.0.1'),
  /**
   * In a container without a network: the directory (/run/tf) where each bot's API listens on its own Unix socket
   * (`api-<botId>.sock`) and whose `egress.sock` is the way to the exchange (the host relays ccxt's proxy port to it).
   */
  socketDir: z.string().optional(),
  /** The full desired set of bots; empty for a pool container that has none yet (or none left). */
  bots: z.array(HostedBotConfig),
});
export type BotHostConfig = z.infer<typeof BotHostConfig>;

/** Environment variable holding the configuration itself (handy for local runs and tests). */
export const BOT_HOST_CONFIG_ENV = 'TF_BOT_HOST_CONFIG';
/** Environment variable naming a file (mode 0600, owned by the bot user) that holds the configuration: how the platform
 * delivers it, so the bot credentials never show in `docker inspect` or a process listing's environment. */
export const BOT_HOST_CONFIG_FILE_ENV = 'TF_BOT_HOST_CONFIG_FILE';
