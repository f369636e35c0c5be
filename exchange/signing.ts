// Request parameters and SIGNED endpoint security: X-MBX-APIKEY, HMAC-SHA256 over query string + body, timestamp within recvWindow.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { API_KEY_FORMAT, type Account, type AccountStore } from './accounts.js';
import { errors } from './errors.js';

/** A request's parameters and the raw text they were signed over. */
export interface RequestParams {
  values: Map<string, string>;
  rawQuery: string;
  rawBody: string;
}

function pairs(raw: string): [string, string][] {
  if (raw === '') return [];
  return raw.split('&').filter((p) => p !== '').map((p) => {
    const eq = p.indexOf('=');
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    try {
      return eq < 0 ? [decode(p), ''] : [decode(p.slice(0, eq)), decode(p.slice(eq + 1))];
    } catch {
      throw errors.illegalChars(eq < 0 ? p : p.slice(0, eq), 'URL-encoded text');
    }
  });
}

/** Query and form body merged; on Binance a parameter in the query string wins over the body, and one sent twice is an error. */
export function parseParams(rawQuery: string, rawBody: string): RequestParams {
  const values = new Map<string, string>();
  const fromQuery = pairs(rawQuery);
  const seen = new Set<string>();
  for (const [k, v] of fromQuery) {
    if (seen.has(k)) throw errors.duplicateParam();
    seen.add(k);
    values.set(k, v);
  }
  const bodySeen = new Set<string>();
  for (const [k, v] of pairs(rawBody)) {
    if (bodySeen.has(k)) throw errors.duplicateParam();
    bodySeen.add(k);
    if (!values.has(k)) values.set(k, v);
  }
  return { values, rawQuery, rawBody };
}

/** The signed payload: query string then body, each without its signature parameter. */
export function signedPayload(rawQuery: string, rawBody: string): string {
  const strip = (raw: string) => raw.split('&').filter((p) => p !== '' && !p.startsWith('signature=')).join('&');
  return strip(rawQuery) + strip(rawBody);
}

export function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

export const MAX_RECV_WINDOW = 60_000;

/**
 * Checks a SIGNED request and returns its account. Order of checks: key format, known key, signature, then
 * timestamp — so a wrong secret is reported as such even when the clock is also off.
 */
export function authenticate(apiKeyHeader: string | undefined, params: RequestParams, accounts: AccountStore, now: number): Account {
  if (!apiKeyHeader || !API_KEY_FORMAT.test(apiKeyHeader)) throw errors.badApiKeyFormat();
  const account = accounts.byApiKey(apiKeyHeader);
  if (!account) throw errors.rejectedApiKey();

  const signature = params.values.get('signature');
  if (!signature) throw errors.mandatory('signature');
  const expected = Buffer.from(hmacHex(account.secret, signedPayload(params.rawQuery, params.rawBody)), 'utf8');
  // HMAC signatures are not case-sensitive on Binance.
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw errors.badSignature();

  const timestampText = params.values.get('timestamp');
  if (!timestampText || !/^\d{1,16}$/.test(timestampText)) throw errors.mandatory('timestamp');
  let timestamp = Number(timestampText);
  // Microsecond timestamps are accepted too.
  if (timestamp > 1e14) timestamp = Math.floor(timestamp / 1000);
  const recvWindowText = params.values.get('recvWindow');
  let recvWindow = 5000;
  if (recvWindowText !== undefined) {
    recvWindow = Number(recvWindowText);
    if (!/^\d+(\.\d{1,3})?$/.test(recvWindowText) || recvWindow <= 0) throw errors.invalidParam('recvWindow');
    if (recvWindow > MAX_RECV_WINDOW) throw errors.tooLarge('recvWindow', MAX_RECV_WINDOW);
  }
  if (timestamp >= now + 1000) throw errors.timestampAhead();
  if (now - timestamp > recvWindow) throw errors.timestampOutside();
  return account;
}
