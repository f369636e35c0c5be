// Validates the host's config exactly as domain/bot-host-config.ts's zod schema does, without loading zod at runtime.
// Why: zod adds about 10 MB of resident memory to every bot container (26 MB instead of 16 MB idle, measured);
// host-config.test.ts runs both validators over the same inputs so the two cannot drift apart.
import type { BotExchangeCredentials, BotExchangeProfile, BotHostConfig, HostedBotConfig } from '../domain/bot-host-config.js';
import { Checker, isObj } from './config-checker.js';
import { checkStrategy } from './strategy-config.js';

/** Mirrors the domain's BOT_HOST_CONFIG_ENV (importing it would pull zod into the bundle); a test keeps them equal. */
export const CONFIG_ENV = 'TF_BOT_HOST_CONFIG';
export const CONFIG_FILE_ENV = 'TF_BOT_HOST_CONFIG_FILE';

export type ParseResult = { success: true; data: BotHostConfig } | { success: false; issues: string[] };

function hostedBot(c: Checker, v: unknown, path: string): HostedBotConfig | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  const api = c.obj(o['api'], `${path}.api`);
  const pairs = c.list(o['pairs'], `${path}.pairs`, 1)?.map((p, i) => c.str(p, `${path}.pairs.${i}`));
  // Typed against the domain's keys: a field added there fails to compile here until it is checked.
  const bot: Record<keyof HostedBotConfig, unknown> = {
    botId: c.str(o['botId'], `${path}.botId`),
    name: c.str(o['name'], `${path}.name`),
    exchange: c.str(o['exchange'], `${path}.exchange`),
    pairs,
    stakeAmount: c.num(o['stakeAmount'], `${path}.stakeAmount`, { positive: true }),
    stakeCurrency: c.str(o['stakeCurrency'], `${path}.stakeCurrency`),
    dryRun: c.bool(o['dryRun'], `${path}.dryRun`),
    apiPort: c.num(o['apiPort'], `${path}.apiPort`, { int: true, min: 1, max: 65535 }),
    api: api && ({
      username: c.str(api['username'], `${path}.api.username`, 1),
      password: c.str(api['password'], `${path}.api.password`, 16),
      jwtSecret: c.str(api['jwtSecret'], `${path}.api.jwtSecret`, 32),
    } satisfies Record<keyof HostedBotConfig['api'], unknown>),
    strategy: c.opt(o['strategy'], (v) => checkStrategy(c, v, `${path}.strategy`)),
    exchangeProfile: c.opt(o['exchangeProfile'], (v) => exchangeProfile(c, v, `${path}.exchangeProfile`)),
    credentials: c.opt(o['credentials'], (v) => credentials(c, v, `${path}.credentials`)),
    dryRunWallet: c.opt(o['dryRunWallet'], (v) => c.num(v, `${path}.dryRunWallet`, { positive: true })),
  };
  if (o['dryRun'] === false && o['credentials'] === undefined) c.fail(`${path}.credentials`, 'a live bot needs exchange credentials');
  if (o['dryRun'] === false && o['exchangeProfile'] === undefined) c.fail(`${path}.exchangeProfile`, 'a live bot needs an exchange profile');
  return bot as unknown as HostedBotConfig;
}

function stringRecord(c: Checker, v: unknown, path: string): Record<string, string> | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  for (const [k, x] of Object.entries(o)) c.str(x, `${path}.${k}`);
  return { ...(o as Record<string, string>) };
}

function exchangeProfile(c: Checker, v: unknown, path: string): BotExchangeProfile | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  const profile: Record<keyof BotExchangeProfile, unknown> = {
    ccxtId: c.str(o['ccxtId'], `${path}.ccxtId`, 1),
    apiUrls: c.opt(o['apiUrls'], (x) => stringRecord(c, x, `${path}.apiUrls`)),
    options: c.opt(o['options'], (x) => (isObj(x) ? { ...x } : c.fail(`${path}.options`, 'expected object'))),
    proxy: c.opt(o['proxy'], (x) => stringRecord(c, x, `${path}.proxy`)),
  };
  return profile as BotExchangeProfile;
}

function credentials(c: Checker, v: unknown, path: string): BotExchangeCredentials | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  const creds: Record<keyof BotExchangeCredentials, unknown> = {
    apiKey: c.str(o['apiKey'], `${path}.apiKey`, 1),
    secret: c.str(o['secret'], `${path}.secret`, 1),
    passphrase: c.opt(o['passphrase'], (x) => c.str(x, `${path}.passphrase`)),
  };
  return creds as BotExchangeCredentials;
}

/** Same acceptance, defaults and key stripping as `BotHostConfig.safeParse`; issues name the path and rule, never the value. */
export function parseBotHostConfig(input: unknown): ParseResult {
  const c = new Checker();
  const root = c.obj(input, '(root)');
  if (!root) return { success: false, issues: c.issues };
  const listenHost = root['listenHost'] === undefined ? '127.0.0.1' : c.str(root['listenHost'], 'listenHost');
  const socketDir = c.opt(root['socketDir'], (x) => c.str(x, 'socketDir'));
  const bots = c.list(root['bots'], 'bots', 0)?.map((b, i) => hostedBot(c, b, `bots.${i}`));
  if (c.issues.length || listenHost === undefined || !bots) return { success: false, issues: c.issues };
  return { success: true, data: { listenHost, ...(socketDir === undefined ? {} : { socketDir }), bots: bots as HostedBotConfig[] } };
}
