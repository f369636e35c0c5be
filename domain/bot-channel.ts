// How a bot container talks to the world without a network: its API and its exchange traffic go through Unix sockets
// in a per-container host directory (`<BOT_SOCKET_DIR>/<name>`, mounted at /run/tf), and nothing else answers.
import type { Bot } from './bot.js';

/** Where a bot container sees its own socket directory. */
export const CONTAINER_SOCKET_DIR = '/run/tf';
/** The socket the platform's egress proxy listens on, in each container's directory. */
export const EGRESS_SOCKET = 'egress.sock';
/**
 * The in-container port ccxt's proxy setting points at (a forwarder inside the container relays it to the egress
 * socket). The container's loopback is its own, so no other tenant can bind it.
 */
export const EGRESS_PROXY_PORT = 3128;
export const EGRESS_PROXY_URL = `http://127.0.0.1:${EGRESS_PROXY_PORT}`;

/** The host directory of a dedicated bot's container (`b-<botId>`) or of a pool container (`p-<key>`). */
export const dedicatedSocketDirName = (botId: string): string => `b-${botId}`;
export const poolSocketDirName = (key: string): string => `p-${key}`;

/** A bot's API socket inside its container's directory: one per bot, so a pool container holds many. */
export const botApiSocketName = (botId: string): string => `api-${botId}.sock`;

/** What decides where a bot's API answers. */
export type BotRoute = Pick<Bot, 'id' | 'engine' | 'driver' | 'placement' | 'poolContainerKey' | 'apiHost' | 'apiPort'>;

export interface BotChannelSettings {
  /** BOT_SOCKET_DIR: the host directory holding every bot container's socket directory. */
  socketDir: string;
  /**
   * Host of bots reached over TCP: local-process bots (no container, so no isolation), and pooled bots through their
   * Docker host's gateway (activities/bot-gateway.ts) when the row names no host.
   */
  fallbackHost: string;
}

/**
 * The one answer to "how do I reach this bot's API": a dedicated container's own socket (FreqTrade, or a builtin bot in
 * Docker); a pooled bot's (builtin or FreqTrade) port on its Docker host's gateway, which joins it to the bot's socket in its pool container
 * (the host may be another machine, whose sockets the platform cannot open); a local process's port.
 */
export type BotEndpoint = { kind: 'socket'; socketPath: string } | { kind: 'tcp'; host: string; port: number };

export function botEndpoint(bot: BotRoute, settings: BotChannelSettings): BotEndpoint {
  const socket = (dir: string): BotEndpoint => ({ kind: 'socket', socketPath: `${settings.socketDir.replace(/\/$/, '')}/${dir}/${botApiSocketName(bot.id)}` });
  // A FreqTrade bot is always in Docker; a pooled one (of either engine) answers on its Docker host's gateway.
  if (bot.placement === 'dedicated' && (bot.engine === 'freqtrade' || bot.driver === 'docker')) return socket(dedicatedSocketDirName(bot.id));
  return { kind: 'tcp', host: bot.apiHost ?? settings.fallbackHost, port: bot.apiPort };
}

/** Where an endpoint is, for messages (never carries a secret). */
export const endpointText = (e: BotEndpoint): string => (e.kind === 'socket' ? `unix:${e.socketPath}` : `http://${e.host}:${e.port}`);

/**
 * The egress allowlist of an exchange: the host:port of every URL ccxt would call (https without a port is 443,
 * http 80). Anything else the proxy refuses.
 */
export function egressAllowlist(urls: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of urls) {
    // ccxt's URL tables hold a few templates ({hostname}); those are resolved into the others.
    if (raw.includes('{')) continue;
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      continue;
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') continue;
    out.add(`${u.hostname.toLowerCase()}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`);
  }
  return [...out].sort();
}

/**
 * ccxt's proxy setting for a bot whose exchange is at `urls` (JS and Python alike): `httpProxy` sends plain-HTTP
 * requests (the paper exchange) to the proxy in full, `httpsProxy` tunnels HTTPS with CONNECT; ccxt takes only one.
 */
export function ccxtProxySetting(urls: readonly string[]): { httpProxy: string } | { httpsProxy: string } {
  return urls.length > 0 && urls.every((u) => u.startsWith('http:')) ? { httpProxy: EGRESS_PROXY_URL } : { httpsProxy: EGRESS_PROXY_URL };
}
