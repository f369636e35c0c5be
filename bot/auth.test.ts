// Authentication of a hosted bot's API, as a FreqTrade client experiences it: Basic, JWT login/refresh, exact 401s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import { createToken, TOKEN_TTL_SECONDS } from './auth.js';
import { AccessAndRefreshToken, AccessToken } from './freqtrade-api-schemas.js';
import { startBotHost, type BotHost } from './host.js';
import { basic, botConfig, call, freePort, jwtPayload } from './test-support.js';

let host: BotHost;
let a: HostedBotConfig;
let b: HostedBotConfig;
const logLines: string[] = [];

const basicOf = (bot: HostedBotConfig): string => basic(bot.api.username, bot.api.password);

async function loginTokens(bot: HostedBotConfig) {
  const res = await call(bot.apiPort, '/api/v1/token/login', { method: 'POST', authorization: basicOf(bot) });
  expect(res.status).toBe(200);
  return AccessAndRefreshToken.parse(res.body);
}

beforeAll(async () => {
  a = botConfig('alpha', await freePort());
  b = botConfig('beta', await freePort());
  host = await startBotHost({ listenHost: '127.0.0.1', bots: [a, b] }, { log: (l) => logLines.push(l) });
});
afterAll(() => host.close());

describe('unauthenticated and Basic access', () => {
  it('answers ping without credentials', async () => {
    const res = await call(a.apiPort, '/api/v1/ping');
    expect(res).toMatchObject({ status: 200, body: { status: 'pong' } });
  });

  it('rejects a request without credentials with 401 Unauthorized and no challenge, like FreqTrade', async () => {
    const res = await call(a.apiPort, '/api/v1/show_config');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Unauthorized' });
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it('rejects a wrong username or password the same way', async () => {
    for (const auth of [basic(a.api.username, 'wrong-password-123'), basic('someone', a.api.password)]) {
      const res = await call(a.apiPort, '/api/v1/version', { authorization: auth });
      expect(res).toMatchObject({ status: 401, body: { detail: 'Unauthorized' } });
    }
  });

  it('accepts HTTP Basic on every protected route', async () => {
    const res = await call(a.apiPort, '/api/v1/show_config', { authorization: basicOf(a) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ bot_name: 'alpha' });
  });

  it('answers a malformed Basic header with FastAPI\'s "Not authenticated" and a Basic challenge', async () => {
    const res = await call(a.apiPort, '/api/v1/version', { authorization: 'Basic bm9jb2xvbg==' }); // "nocolon"
    expect(res).toMatchObject({ status: 401, body: { detail: 'Not authenticated' } });
    expect(res.headers.get('www-authenticate')).toBe('Basic');
  });
});

describe('JWT login and refresh', () => {
  it('issues HS256 access (15 min) and refresh (30 days) tokens with FreqTrade\'s payload', async () => {
    const tokens = await loginTokens(a);
    const header = JSON.parse(Buffer.from(tokens.access_token.split('.')[0] ?? '', 'base64url').toString()) as unknown;
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    const access = jwtPayload(tokens.access_token);
    const refresh = jwtPayload(tokens.refresh_token);
    expect(access).toMatchObject({ identity: { u: a.api.username }, type: 'access' });
    expect(refresh).toMatchObject({ identity: { u: a.api.username }, type: 'refresh' });
    expect((access['exp'] as number) - (access['iat'] as number)).toBe(TOKEN_TTL_SECONDS.access);
    expect((refresh['exp'] as number) - (refresh['iat'] as number)).toBe(30 * 24 * 3600);
    expect(Math.abs((access['iat'] as number) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('refuses login without Basic credentials, or with wrong ones', async () => {
    const none = await call(a.apiPort, '/api/v1/token/login', { method: 'POST' });
    expect(none).toMatchObject({ status: 401, body: { detail: 'Not authenticated' } });
    expect(none.headers.get('www-authenticate')).toBe('Basic');
    const wrong = await call(a.apiPort, '/api/v1/token/login', { method: 'POST', authorization: basic(a.api.username, 'x'.repeat(20)) });
    expect(wrong).toMatchObject({ status: 401, body: { detail: 'Incorrect username or password' } });
    expect(wrong.headers.get('www-authenticate')).toBeNull();
  });

  it('accepts the access token as Bearer', async () => {
    const { access_token } = await loginTokens(a);
    const res = await call(a.apiPort, '/api/v1/count', { authorization: `Bearer ${access_token}` });
    expect(res.status).toBe(200);
  });

  it('refreshes with the refresh token into a working access token only', async () => {
    const { refresh_token } = await loginTokens(a);
    const res = await call(a.apiPort, '/api/v1/token/refresh', { method: 'POST', authorization: `Bearer ${refresh_token}` });
    expect(res.status).toBe(200);
    const fresh = AccessToken.parse(res.body);
    expect(jwtPayload(fresh.access_token)['type']).toBe('access');
    const use = await call(a.apiPort, '/api/v1/version', { authorization: `Bearer ${fresh.access_token}` });
    expect(use.status).toBe(200);
  });

  it('does not accept a refresh token for API calls, nor an access token for refresh', async () => {
    const { access_token, refresh_token } = await loginTokens(a);
    const misuse = await call(a.apiPort, '/api/v1/version', { authorization: `Bearer ${refresh_token}` });
    expect(misuse).toMatchObject({ status: 401, body: { detail: 'Could not validate credentials' } });
    expect(misuse.headers.get('www-authenticate')).toBe('Bearer');
    const badRefresh = await call(a.apiPort, '/api/v1/token/refresh', { method: 'POST', authorization: `Bearer ${access_token}` });
    expect(badRefresh).toMatchObject({ status: 401, body: { detail: 'Could not validate credentials' } });
    const noToken = await call(a.apiPort, '/api/v1/token/refresh', { method: 'POST', authorization: basicOf(a) });
    expect(noToken.status).toBe(401);
  });

  it('rejects an expired access token, a forged one, and garbage', async () => {
    const expired = createToken(a.api.username, a.api.jwtSecret, 'access', Date.now() - (TOKEN_TTL_SECONDS.access + 5) * 1000);
    const forged = createToken(a.api.username, 'not-the-secret-of-this-bot-0123456789', 'access');
    const { access_token } = await loginTokens(a);
    const [head, body] = access_token.split('.');
    const noneAlg = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${body}.`;
    for (const token of [expired, forged, noneAlg, `${head}.${body}`, 'not.a.jwt']) {
      const res = await call(a.apiPort, '/api/v1/version', { authorization: `Bearer ${token}` });
      expect(res, token).toMatchObject({ status: 401, body: { detail: 'Could not validate credentials' } });
    }
    const expiredRefresh = createToken(a.api.username, a.api.jwtSecret, 'refresh', Date.now() - 31 * 24 * 3600 * 1000);
    const res = await call(a.apiPort, '/api/v1/token/refresh', { method: 'POST', authorization: `Bearer ${expiredRefresh}` });
    expect(res.status).toBe(401);
  });
});

describe('isolation between bots of one host', () => {
  it("does not let bot A's password or tokens into bot B", async () => {
    const withPassword = await call(b.apiPort, '/api/v1/show_config', { authorization: basic(a.api.username, a.api.password) });
    expect(withPassword).toMatchObject({ status: 401, body: { detail: 'Unauthorized' } });
    const { access_token, refresh_token } = await loginTokens(a);
    const withToken = await call(b.apiPort, '/api/v1/show_config', { authorization: `Bearer ${access_token}` });
    expect(withToken.status).toBe(401);
    const refreshOnB = await call(b.apiPort, '/api/v1/token/refresh', { method: 'POST', authorization: `Bearer ${refresh_token}` });
    expect(refreshOnB.status).toBe(401);
    const own = await call(b.apiPort, '/api/v1/show_config', { authorization: basicOf(b) });
    expect(own).toMatchObject({ status: 200, body: { bot_name: 'beta' } });
  });

  it('never writes a password, JWT secret or token to the log', async () => {
    const { access_token } = await loginTokens(a);
    const all = logLines.join('');
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [a.api.password, a.api.jwtSecret, b.api.password, b.api.jwtSecret, access_token]) {
      expect(all).not.toContain(secret);
    }
  });
});
