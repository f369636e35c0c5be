// One FreqTrade REST API client for every bot, whichever engine runs it (builtin host or real FreqTrade).
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

/** The largest answer read from a bot: the bot runs code the platform does not trust, so it cannot make a worker buffer more. */
export const BOT_ANSWER_MAX_BYTES = 2 * 1024 * 1024;

/** Reads a body up to `maxBytes`, cancelling the stream past that. */
async function readCapped(response: Response, maxBytes: number, what: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new BotApiError(`${what} answered ${declared} bytes, more than the ${maxBytes} a bot answer may have`, null);
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await response.body.cancel().catch(() => {});
      throw new BotApiError(`${what} answered more than the ${maxBytes} bytes a bot answer may have`, null);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
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
}

export function createFreqtradeClient(baseUrl: string, credentials: FreqtradeCredentials, timeoutMs = 5000, maxAnswerBytes = BOT_ANSWER_MAX_BYTES): FreqtradeClient {
  const basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;

  async function call<T>(method: string, route: string, body?: unknown, auth = true): Promise<T> {
    const url = `${baseUrl}/api/v1/${route}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...(auth ? { authorization: basic } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new BotApiError(`bot API at ${baseUrl} is unreachable: ${(error as Error).message}`, null);
    }
    const text = await readCapped(response, maxAnswerBytes, `bot API ${method} /${route}`);
    if (!response.ok) {
      // The bot's own error text is safe to show; credentials never appear in it (we send them only as a header).
      throw new BotApiError(`bot API ${method} /${route} answered ${response.status}: ${text.slice(0, 200)}`, response.status);
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
  };
}
