// Platform configuration read from environment variables (passed in, so this stays pure and testable).
import { z } from 'zod';
import { TraceSettings } from './trace-config.js';

const port = z.coerce.number().int().min(1).max(65535);

export const PlatformConfig = z.object({
  /**
   * The embedded PostgreSQL of `npm start` as the application role by default; its password is random (in
   * `.data/postgres-app.password`), so `npm start` passes the full URL and standalone processes need it set.
   */
  DATABASE_URL: z.string().url().default('postgres://tradefleet_app@127.0.0.1:54329/tradefleet'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('tradefleet'),
  TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(3001),
  WEB_PORT: port.default(3000),
  /** Public URL of the dashboard; its origin is the one allowed to send state-changing requests. */
  DASHBOARD_URL: z.string().url().default('http://127.0.0.1:3000'),
  /** Extra allowed origins, comma separated (for example the API's own URL when scripts use cookies). */
  ALLOWED_ORIGINS: z.string().default(''),
  /** 32 random bytes, base64: encrypts bot credentials and exchange keys at rest (AES-256-GCM). */
  TF_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 random bytes in base64 (openssl rand -base64 32)'),
  /**
   * Retired keys (comma separated, base64) that still open what they sealed and decode Temporal payloads they
   * encrypted; TF_SECRET_KEY seals. docs/security.md has the rotation steps.
   */
  TF_SECRET_KEY_RING: z
    .string()
    .default('')
    .refine((v) => v.split(',').filter(Boolean).every((k) => Buffer.from(k.trim(), 'base64').length === 32), 'must be keys of 32 random bytes in base64, comma separated'),
  /** Base URL of the paper exchange (the `paper` exchange profile points ccxt's binance class here). */
  PAPER_EXCHANGE_URL: z.string().url().default('http://127.0.0.1:8090'),
  /** `docker` or `process`; empty means docker when reachable, else process. */
  BOT_DRIVER: z.enum(['docker', 'process', '']).default(''),
  BOT_IMAGE: z.string().default('tradefleet/bot-host:latest'),
  /**
   * Host the platform uses to reach bot APIs over TCP: local-process bots, and pooled bots on a Docker host that names
   * no address. (Bot containers have no network: dedicated ones are reached on their sockets under BOT_SOCKET_DIR.)
   */
  BOT_API_HOST: z.string().default('127.0.0.1'),
  /**
   * The address of this Docker host's gateway to its pooled bots (empty: BOT_API_HOST): it listens there on each
   * placed bot's port and joins it to the bot's socket (activities/bot-gateway.ts). A host on another machine sets an
   * address the platform's processes reach.
   */
  BOT_API_ADDRESS: z.string().regex(/^$|^[A-Za-z0-9.:-]+$/, 'must be an IP address or host name').default(''),
  /**
   * Host directory of the bot containers' socket directories (their API sockets and egress proxies). Short: a Unix
   * socket path holds at most 107 bytes. Every process that reaches bots (worker, server) must see the same path.
   */
  BOT_SOCKET_DIR: z.string().regex(/^\/[A-Za-z0-9._/-]{0,40}$/, 'must be a short absolute path').default('/tmp/tf-bots'),
  BOT_MEMORY_MB: z.coerce.number().int().min(32).default(128),
  /** Where builtin bots go unless they ask: `pool` (shared pool containers, needs Docker) or `dedicated`. */
  BOT_PLACEMENT: z.enum(['pool', 'dedicated']).default('pool'),
  /**
   * Where FreqTrade bots go unless they ask: `pool` (FreqTrade pool containers, each bot in a sandbox of its own) or
   * `dedicated`. Absent: as BOT_PLACEMENT.
   */
  FREQTRADE_PLACEMENT: z.enum(['pool', 'dedicated']).optional(),
  /** Private memory a pooled FreqTrade bot may use before its pool restarts it alone. */
  FREQTRADE_POOL_BOT_MEMORY_MB: z.coerce.number().int().min(96).default(256),
  /**
   * `on`: a FreqTrade pool container's parent marks what its bots copy of its memory mergeable, so the host's KSM
   * merges the bots' identical copies (freqtrade/tf_merge.py; docs/security.md says what that trades). `off`: not.
   */
  FREQTRADE_POOL_MERGE: z.enum(['on', 'off']).default('on'),
  /** The pool this deployment places bots in (its scaler workflow is `pool:<id>`; FreqTrade bots: `<id>-freqtrade`). */
  BOT_POOL_ID: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, 'must be a short name (a-z, 0-9, _ and -)')
    .refine((v) => !v.endsWith('-freqtrade'), 'must not end with -freqtrade (the FreqTrade pool adds that suffix)').default('default'),
  /** This worker's Docker host: it serves that engine's pool containers on task queue `docker@<name>`. */
  DOCKER_HOST_NAME: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a host name (a-z, 0-9, _ and -)').default('local'),
  /** Docker hosts of a new pool, comma separated; empty: this worker's DOCKER_HOST_NAME. Later changes: the pool's settings. */
  POOL_HOSTS: z.string().default(''),
  /** `all`: workflows and every activity; `docker-host`: only the pool-container activities of DOCKER_HOST_NAME (an extra Docker host). */
  WORKER_ROLE: z.enum(['all', 'docker-host']).default('all'),
  BOT_CPUS: z.coerce.number().positive().default(0.5),
  BOT_PIDS_LIMIT: z.coerce.number().int().min(16).default(64),
  /** Limits of a `freqtrade` bot's container: FreqTrade idles at about 240 MiB and peaks above that while it starts. */
  FREQTRADE_MEMORY_MB: z.coerce.number().int().min(256).default(768),
  FREQTRADE_CPUS: z.coerce.number().positive().default(1),
  FREQTRADE_PIDS_LIMIT: z.coerce.number().int().min(32).default(256),
  /** Prometheus endpoint of the worker (the Temporal SDK's own exporter); empty disables it. */
  WORKER_METRICS_ADDRESS: z.string().default('127.0.0.1:9464'),
  /** Prometheus endpoint of the worker's own metrics (provisioning, guards, exchange errors, syncs); empty disables it. */
  WORKER_APP_METRICS_ADDRESS: z.string().default('127.0.0.1:9465'),
  /** The bearer token Alertmanager sends to POST /api/alerts/alertmanager; empty turns that webhook off. */
  ALERTMANAGER_WEBHOOK_TOKEN: z.string().default(''),
  /** Telegram's Bot API, where notifications to a user's Telegram chat go. */
  TELEGRAM_API_URL: z.string().url().default('https://api.telegram.org'),
  /** Workflows kept in the worker's memory; unset: the Temporal SDK's default (from the heap size). */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).optional(),
  /** Activity slots of the platform worker (bots, accounts, feeds); unset: the Temporal SDK's default (100). */
  WORKER_MAX_ACTIVITIES: z.coerce.number().int().min(2).optional(),
  /** Activity slots of the pool scaler's own worker (poolTaskQueue): its PostgreSQL writes, never shared with bot work. */
  POOL_WORKER_MAX_ACTIVITIES: z.coerce.number().int().min(2).default(10),
  /** Where process-driver bots keep their pid files and logs. */
  TF_DATA_DIR: z.string().default('.data'),
  /** The legacy MongoDB the migration reads (and dual-writes to while a run has it on); empty: no migration possible. */
  MONGO_URL: z.string().regex(/^(mongodb(\+srv)?:\/\/.+)?$/, 'must be a mongodb:// URL').default(''),
  /** Per-user quotas: the first request over one gets 409 (counts) or 429 (rates) naming the limit and creates nothing. */
  MAX_BOTS_PER_USER: z.coerce.number().int().min(0).default(25),
  /** FreqTrade bots (one 768 MiB container each) count against this too. */
  MAX_FREQTRADE_BOTS_PER_USER: z.coerce.number().int().min(0).default(3),
  MAX_EXCHANGE_ACCOUNTS_PER_USER: z.coerce.number().int().min(0).default(10),
  /** New strategy versions per user per hour (a FreqTrade upload runs a 512 MiB check container for up to 45 s). */
  MAX_STRATEGY_UPLOADS_PER_HOUR: z.coerce.number().int().min(0).default(30),
  /** Open SSE streams per user and server process. */
  MAX_SSE_STREAMS_PER_USER: z.coerce.number().int().min(1).default(12),
  /** Sign-ups per client address per hour. */
  MAX_SIGNUPS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(0).default(10),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  /** OpenID Connect sign-in (docs/sign-in.md): on when issuer, client id and secret are all set. */
  OIDC_ISSUER_URL: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The provider's name on the sign-in button ("Sign in with …"). */
  OIDC_NAME: z.string().min(1).default('OpenID Connect'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** OpenTelemetry traces (docs/observability.md#traces): off unless an OTLP endpoint is set. */
  ...TraceSettings.shape,
});
export type PlatformConfig = z.infer<typeof PlatformConfig>;

export type Limits = Pick<
  PlatformConfig,
  | 'MAX_BOTS_PER_USER' | 'MAX_FREQTRADE_BOTS_PER_USER' | 'MAX_EXCHANGE_ACCOUNTS_PER_USER' | 'MAX_STRATEGY_UPLOADS_PER_HOUR'
  | 'MAX_SSE_STREAMS_PER_USER' | 'MAX_SIGNUPS_PER_ADDRESS_PER_HOUR'
>;

/** OpenID Connect settings, or null when sign-in with a provider is off (any of issuer, client id, secret unset). */
export interface OidcSettings {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  name: string;
  /** Where the provider sends the browser back: the dashboard, which passes /api to the API. */
  redirectUri: string;
}

export function oidcSettings(config: PlatformConfig): OidcSettings | null {
  const { OIDC_ISSUER_URL: issuerUrl, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret } = config;
  if (!issuerUrl || !clientId || !clientSecret) return null;
  const redirectUri = new URL('/api/auth/oidc/callback', config.DASHBOARD_URL).toString();
  return { issuerUrl, clientId, clientSecret, name: config.OIDC_NAME, redirectUri };
}

/** The key ring: the sealing key first, then the retired ones that still open. */
export const secretKeyRing = (config: Pick<PlatformConfig, 'TF_SECRET_KEY' | 'TF_SECRET_KEY_RING'>): string[] => [
  config.TF_SECRET_KEY,
  ...config.TF_SECRET_KEY_RING.split(',').map((k) => k.trim()).filter((k) => k && k !== config.TF_SECRET_KEY),
];

/** Parses the environment; a bad value throws naming the variable, never echoing its content. */
export function readConfig(env: Record<string, string | undefined>): PlatformConfig {
  const parsed = PlatformConfig.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
