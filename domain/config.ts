// Platform configuration read from environment variables (passed in, so this stays pure and testable).
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);

export const PlatformConfig = z.object({
  DATABASE_URL: z.string().url().default('postgres://tradefleet:tradefleet@127.0.0.1:54329/tradefleet'),
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
  /** Base URL of the paper exchange (the `paper` exchange profile points ccxt's binance class here). */
  PAPER_EXCHANGE_URL: z.string().url().default('http://127.0.0.1:8090'),
  /** `docker` or `process`; empty means docker when reachable, else process. */
  BOT_DRIVER: z.enum(['docker', 'process', '']).default(''),
  BOT_IMAGE: z.string().default('tradefleet/bot-host:latest'),
  /** Docker network for bot containers; `host` lets the platform reach each bot on 127.0.0.1:<port>. */
  BOT_NETWORK: z.string().default('host'),
  /** Host the platform uses to reach bot APIs (of dedicated bots, and of pooled bots on a host that names none). */
  BOT_API_HOST: z.string().default('127.0.0.1'),
  /**
   * The address this worker's Docker host runs pooled bots on, as the platform reaches it (empty: BOT_API_HOST). Pool
   * containers use the host network, so their bots listen there; a Docker host on another machine sets its own.
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
  /** The pool this deployment places bots in (its scaler workflow is `pool:<id>`). */
  BOT_POOL_ID: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, 'must be a short name (a-z, 0-9, _ and -)').default('default'),
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
  /** Workflows kept in the worker's memory; unset: the Temporal SDK's default (from the heap size). */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).optional(),
  /** Where process-driver bots keep their pid files and logs. */
  TF_DATA_DIR: z.string().default('.data'),
  /** The legacy MongoDB the migration reads (and dual-writes to while a run has it on); empty: no migration possible. */
  MONGO_URL: z.string().regex(/^(mongodb(\+srv)?:\/\/.+)?$/, 'must be a mongodb:// URL').default(''),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type PlatformConfig = z.infer<typeof PlatformConfig>;

/** Parses the environment; a bad value throws naming the variable, never echoing its content. */
export function readConfig(env: Record<string, string | undefined>): PlatformConfig {
  const parsed = PlatformConfig.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
