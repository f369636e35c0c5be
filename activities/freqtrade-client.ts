// One FreqTrade REST API client for every bot, whichever engine runs it (builtin host or real FreqTrade), over the bot's
// own channel: its Unix socket for a container, TCP for a local-process bot (domain/bot-channel.ts decides which).
import http from 'node:http';
import { assertBotSocket } from './bot-socket.js';
import { botEndpoint, endpointText, type BotChannelSettings, type BotEndpoint, type BotRoute } from '../domain/bot-channel.js';

export interface FreqtradeCredentials {
  username: string;
  password: string;
}

export class BotApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export interface ShowConfig {
  state: string;
  dry_run: boolean;
  stake_currency: string;
  bot_name: string;
  [key: string]: unknown;
}

export interface FreqtradeClient {
  ping(): Promise<boolean>;
  login(): Promise<{ access_token: string; refresh_token: string }>;
  showConfig(): Promise<ShowConfig>;
  start(): Promise<{ status: string }>;
  stop(): Promise<{ status: string }>;
  get<T = unknown>(route: string): Promise<T>;
  post<T = unknown>(route: string, body?: unknown): Promise<T>;
  delete<T = unknown>(route: string): Promise<T>;
}

/** The most of one answer the platform reads from a bot: a hostile bot cannot make a worker buffer gigabytes. */
export const BOT_ANSWER_MAX_BYTES = 2 * 1024 * 1024;

/** The client of one bot: the only way the platform builds one. */
export const botClient = (bot: BotRoute, channel: BotChannelSettings, credentials: FreqtradeCredentials, timeoutMs = 5000): FreqtradeClient =>
  createFreqtradeClient(botEndpoint(bot, channel), credentials, timeoutMs);

/** A client for a bot at `endpoint` (an http:// base URL is read as TCP), reading at most `maxAnswerBytes` of an answer. */
export function createFreqtradeClient(
  at: BotEndpoint | string,
  credentials: FreqtradeCredentials,
  timeoutMs = 5000,
  maxAnswerBytes = BOT_ANSWER_MAX_BYTES,
): FreqtradeClient {
  const endpoint: BotEndpoint = typeof at === 'string' ? tcpEndpoint(at) : at;
  const basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const where = endpointText(endpoint);
  const target = endpoint.kind === 'socket' ? { socketPath: endpoint.socketPath } : { host: endpoint.host, port: endpoint.port };

  function send(method: string, route: string, body: string | undefined, auth: boolean): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({
        ...target,
        method,
        path: `/api/v1/${route}`,
        agent: false,
        headers: {
          host: 'bot',
          ...(auth ? { authorization: basic } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
        signal: AbortSignal.timeout(timeoutMs),
      }, (res) => {
        const what = `bot API ${method} /${route}`;
        const tooLarge = (declared?: number) =>
          new BotApiError(declared
            ? `${what} answered ${declared} bytes, more than the ${maxAnswerBytes} a bot answer may have`
            : `${what} answered more than the ${maxAnswerBytes} bytes a bot answer may have`, null);
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > maxAnswerBytes) {
          req.destroy();
          return reject(tooLarge(declared));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxAnswerBytes) {
            req.destroy();
            return reject(tooLarge());
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async function call<T>(method: string, route: string, body?: unknown, auth = true): Promise<T> {
    let response: { status: number; text: string };
    try {
      // A bot's credentials go only into its own socket, never through a link the bot put in its place.
      if (endpoint.kind === 'socket') await assertBotSocket(endpoint.socketPath);
      response = await send(method, route, body === undefined ? undefined : JSON.stringify(body), auth);
    } catch (error) {
      if (error instanceof BotApiError) throw error;
      throw new BotApiError(`bot API at ${where} is unreachable: ${(error as Error).message}`, null);
    }
    const { status, text } = response;
    if (status < 200 || status >= 300) {
      // The bot's own error text is safe to show; credentials never appear in it (we send them only as a header).
      throw new BotApiError(`bot API ${method} /${route} answered ${status}: ${text.slice(0, 200)}`, status);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  return {
    async ping() {
      const res = await call<{ status?: string }>('GET', 'ping', undefined, false);
      return res.status === 'pong';
    },
    login: () => call('POST', 'token/login'),
    showConfig: () => call('GET', 'show_config'),
    start: () => call('POST', 'start'),
    stop: () => call('POST', 'stop'),
    get: (route) => call('GET', route),
    post: (route, body) => call('POST', route, body),
    delete: (route) => call('DELETE', route),
  };
}

/** A TCP endpoint from a base URL such as http://127.0.0.1:20001 (tests and local-process bots). */
function tcpEndpoint(baseUrl: string): BotEndpoint {
  const url = new URL(baseUrl);
  return { kind: 'tcp', host: url.hostname, port: Number(url.port || 80) };
}
