// FreqTrade's REST authentication: HTTP Basic or an HS256 JWT (access 15 min, refresh 30 days), with FastAPI's exact 401s.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface ApiCredentials {
  username: string;
  password: string;
  jwtSecret: string;
}

export type TokenType = 'access' | 'refresh';

/** Lifetimes from freqtrade/rpc/api_server/api_auth.py create_token(). */
export const TOKEN_TTL_SECONDS: Record<TokenType, number> = { access: 15 * 60, refresh: 30 * 24 * 60 * 60 };

/**
 * Outcome of an authentication check. A failure carries FastAPI's `detail` and the
 * `WWW-Authenticate` challenge FastAPI sends with it (none for the plain "Unauthorized").
 */
export type AuthResult =
  | { ok: true; username: string }
  | { ok: false; detail: string; challenge: 'Basic' | 'Bearer' | null };

export type LoginResult =
  | { ok: true; tokens: { access_token: string; refresh_token: string } }
  | { ok: false; detail: string; challenge: 'Basic' | 'Bearer' | null };

export type RefreshResult =
  | { ok: true; tokens: { access_token: string } }
  | { ok: false; detail: string; challenge: 'Basic' | 'Bearer' | null };

const NOT_AUTHENTICATED = { ok: false, detail: 'Not authenticated', challenge: 'Basic' } as const;
const BAD_TOKEN = { ok: false, detail: 'Could not validate credentials', challenge: 'Bearer' } as const;

/** Same split as FastAPI's get_authorization_scheme_param: scheme before the first space, the rest trimmed. */
export function parseAuthorization(header: string | undefined): { scheme: string; param: string } {
  if (!header) return { scheme: '', param: '' };
  const space = header.indexOf(' ');
  if (space < 0) return { scheme: header, param: '' };
  return { scheme: header.slice(0, space), param: header.slice(space + 1).trim() };
}

/** Decodes a Basic credential the way FastAPI's HTTPBasic does (base64, ASCII, "user:password"); null when malformed. */
export function decodeBasic(param: string): { username: string; password: string } | null {
  // Python's b64decode drops characters outside the alphabet but insists on correct padding.
  const cleaned = param.replace(/[^A-Za-z0-9+/=]/g, '');
  if (cleaned.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(cleaned)) return null;
  const bytes = Buffer.from(cleaned, 'base64');
  if (bytes.some((b) => b > 0x7f)) return null;
  const data = bytes.toString('latin1');
  const colon = data.indexOf(':');
  if (colon < 0) return null;
  return { username: data.slice(0, colon), password: data.slice(colon + 1) };
}

/** Constant-time string comparison; hashing first hides the length of the secret too. */
function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function verifyPassword(creds: ApiCredentials, username: string, password: string): boolean {
  // Evaluate both so a wrong username costs the same time as a wrong password.
  const userOk = safeEqual(username, creds.username);
  const passOk = safeEqual(password, creds.password);
  return userOk && passOk;
}

const b64url = (s: string): string => Buffer.from(s).toString('base64url');
const sign = (input: string, secret: string): Buffer => createHmac('sha256', secret).update(input).digest();
const JWT_HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/** A token with FreqTrade's payload: {identity: {u}, exp, iat, type}; times in whole seconds like PyJWT. */
export function createToken(username: string, secret: string, type: TokenType, nowMs = Date.now()): string {
  const iat = Math.floor(nowMs / 1000);
  const payload = b64url(JSON.stringify({ identity: { u: username }, exp: iat + TOKEN_TTL_SECONDS[type], iat, type }));
  const input = `${JWT_HEADER}.${payload}`;
  return `${input}.${sign(input, secret).toString('base64url')}`;
}

function decodeJsonObject(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** PyJWT reads numeric claims with int(): numbers and integer strings pass, anything else is a decode error. */
function intClaim(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value);
  return null;
}

/**
 * The username in a valid token of the expected type, else null. Mirrors PyJWT's HS256 decode
 * (signature, exp, iat and nbf with no leeway) plus FreqTrade's identity and type checks.
 */
export function userFromToken(token: string | null, secret: string, expected: TokenType, nowMs = Date.now()): string | null {
  if (!token) return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [head, body, sig] = parts as [string, string, string];
  const header = decodeJsonObject(head);
  if (!header || header['alg'] !== 'HS256') return null;
  const expectedSig = sign(`${head}.${body}`, secret);
  const givenSig = Buffer.from(sig, 'base64url');
  if (givenSig.length !== expectedSig.length || !timingSafeEqual(givenSig, expectedSig)) return null;
  const payload = decodeJsonObject(body);
  if (!payload) return null;
  const now = Math.floor(nowMs / 1000);
  for (const claim of ['exp', 'iat', 'nbf'] as const) {
    if (!(claim in payload)) continue;
    const value = intClaim(payload[claim]);
    if (value === null) return null;
    if (claim === 'exp' ? value <= now : value > now) return null;
  }
  const identity = payload['identity'];
  if (identity === null || typeof identity !== 'object' || Array.isArray(identity)) return null;
  const user = (identity as Record<string, unknown>)['u'];
  if (user === undefined || user === null || payload['type'] !== expected) return null;
  return String(user);
}

/** FreqTrade's http_basic_or_jwt_token dependency, which guards every route but ping and the token routes. */
export function authenticate(header: string | undefined, creds: ApiCredentials, nowMs = Date.now()): AuthResult {
  const { scheme, param } = parseAuthorization(header);
  const kind = scheme.toLowerCase();
  let basic: { username: string; password: string } | null = null;
  if (header && kind === 'basic') {
    basic = decodeBasic(param);
    if (!basic) return NOT_AUTHENTICATED;
  }
  const token = header && kind === 'bearer' ? param : null;
  if (token) {
    const user = userFromToken(token, creds.jwtSecret, 'access', nowMs);
    return user === null ? BAD_TOKEN : { ok: true, username: user };
  }
  if (basic && verifyPassword(creds, basic.username, basic.password)) return { ok: true, username: basic.username };
  return { ok: false, detail: 'Unauthorized', challenge: null };
}

/** POST /token/login: HTTP Basic only. */
export function login(header: string | undefined, creds: ApiCredentials, nowMs = Date.now()): LoginResult {
  const { scheme, param } = parseAuthorization(header);
  if (!header || scheme.toLowerCase() !== 'basic') return NOT_AUTHENTICATED;
  const basic = decodeBasic(param);
  if (!basic) return NOT_AUTHENTICATED;
  if (!verifyPassword(creds, basic.username, basic.password)) {
    return { ok: false, detail: 'Incorrect username or password', challenge: null };
  }
  return {
    ok: true,
    tokens: {
      access_token: createToken(basic.username, creds.jwtSecret, 'access', nowMs),
      refresh_token: createToken(basic.username, creds.jwtSecret, 'refresh', nowMs),
    },
  };
}

/** POST /token/refresh: a refresh token as Bearer buys a new access token. */
export function refresh(header: string | undefined, creds: ApiCredentials, nowMs = Date.now()): RefreshResult {
  const { scheme, param } = parseAuthorization(header);
  const token = header && scheme.toLowerCase() === 'bearer' ? param : null;
  const user = userFromToken(token, creds.jwtSecret, 'refresh', nowMs);
  if (user === null) return BAD_TOKEN;
  return { ok: true, tokens: { access_token: createToken(user, creds.jwtSecret, 'access', nowMs) } };
}
