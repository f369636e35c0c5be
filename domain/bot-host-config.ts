// The configuration a bot host process receives: which bots it runs and the credentials of each bot's REST API.
import { z } from 'zod';

export const HostedBotConfig = z.object({
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
});
export type HostedBotConfig = z.infer<typeof HostedBotConfig>;

export const BotHostConfig = z.object({
  /** Address each bot's API listens on (127.0.0.1 with host networking, 0.0.0.0 on a bridge network). */
  listenHost: z.string().default('127.0.0.1'),
  bots: z.array(HostedBotConfig).min(1),
});
export type BotHostConfig = z.infer<typeof BotHostConfig>;

/** Environment variable holding the configuration itself (handy for local runs and tests). */
export const BOT_HOST_CONFIG_ENV = 'TF_BOT_HOST_CONFIG';
/** Environment variable naming a file (mode 0600, owned by the bot user) that holds the configuration: how the platform
 * delivers it, so the bot credentials never show in `docker inspect` or a process listing's environment. */
export const BOT_HOST_CONFIG_FILE_ENV = 'TF_BOT_HOST_CONFIG_FILE';
