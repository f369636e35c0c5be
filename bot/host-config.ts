// Validates the host's config exactly as domain/bot-host-config.ts's zod schema does, without loading zod at runtime.
// Why: zod adds about 10 MB of resident memory to every bot container (26 MB instead of 16 MB idle, measured);
// host-config.test.ts runs both validators over the same inputs so the two cannot drift apart.
import type { BotHostConfig, HostedBotConfig } from '../domain/bot-host-config.js';

/** Mirrors the domain's BOT_HOST_CONFIG_ENV (importing it would pull zod into the bundle); a test keeps them equal. */
export const CONFIG_ENV = 'TF_BOT_HOST_CONFIG';
export const CONFIG_FILE_ENV = 'TF_BOT_HOST_CONFIG_FILE';

export type ParseResult = { success: true; data: BotHostConfig } | { success: false; issues: string[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly issues: string[] = [];

  private fail(path: string, message: string): undefined {
    this.issues.push(`${path}: ${message}`);
    return undefined;
  }

  str(v: unknown, path: string, min = 0): string | undefined {
    if (typeof v !== 'string') return this.fail(path, 'expected string');
    if (v.length < min) return this.fail(path, `must have at least ${min} characters`);
    return v;
  }

  num(v: unknown, path: string, rule: { int?: boolean; min?: number; max?: number; positive?: boolean } = {}): number | undefined {
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(path, 'expected number');
    if (rule.int && !Number.isInteger(v)) return this.fail(path, 'expected integer');
    if (rule.positive && v <= 0) return this.fail(path, 'must be greater than 0');
    if (rule.min !== undefined && v < rule.min) return this.fail(path, `must be at least ${rule.min}`);
    if (rule.max !== undefined && v > rule.max) return this.fail(path, `must be at most ${rule.max}`);
    return v;
  }

  bool(v: unknown, path: string): boolean | undefined {
    return typeof v === 'boolean' ? v : this.fail(path, 'expected boolean');
  }

  obj(v: unknown, path: string): Obj | undefined {
    return isObj(v) ? v : this.fail(path, 'expected object');
  }

  list(v: unknown, path: string, min: number): unknown[] | undefined {
    if (!Array.isArray(v)) return this.fail(path, 'expected array');
    if (v.length < min) return this.fail(path, `must have at least ${min} item${min === 1 ? '' : 's'}`);
    return v;
  }
}

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
  };
  return bot as unknown as HostedBotConfig;
}

/** Same acceptance, defaults and key stripping as `BotHostConfig.safeParse`; issues name the path and rule, never the value. */
export function parseBotHostConfig(input: unknown): ParseResult {
  const c = new Checker();
  const root = c.obj(input, '(root)');
  if (!root) return { success: false, issues: c.issues };
  const listenHost = root['listenHost'] === undefined ? '127.0.0.1' : c.str(root['listenHost'], 'listenHost');
  const bots = c.list(root['bots'], 'bots', 1)?.map((b, i) => hostedBot(c, b, `bots.${i}`));
  if (c.issues.length || listenHost === undefined || !bots) return { success: false, issues: c.issues };
  return { success: true, data: { listenHost, bots: bots as HostedBotConfig[] } };
}
