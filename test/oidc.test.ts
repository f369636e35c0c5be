// OpenID Connect at the API: the start route's redirect and cookie, callbacks that are refused (unknown state, another
// browser, replayed) creating nothing, password sign-in of an account without a password, and the unlink rules.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertIdentity } from '../db/identities.js';
import { OIDC_START_LIMIT } from '../domain/identity.js';
import { sql } from '../db/pool.js';
import { insertUserWithIdentity } from '../db/users.js';
import { createSessions } from '../server/auth/sessions.js';
import { startOidcProvider, type TestOidcProvider } from './oidc-provider.js';
import { ORIGIN, signedUpAgent, startPlatform, type TestPlatform } from './platform.js';

let platform: TestPlatform;
let provider: TestOidcProvider;
const logged: string[] = [];

beforeAll(async () => {
  provider = await startOidcProvider(`${ORIGIN}/api/auth/oidc/callback`);
  platform = await startPlatform({ worker: false, env: { DASHBOARD_URL: ORIGIN, ...provider.env() }, log: (entry) => logged.push(JSON.stringify(entry)) });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await provider?.close();
});

const count = (table: 'users' | 'user_identities' | 'oidc_login_attempts') =>
  platform.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from ${sql.identifier([table])}`);

/** A user without a password, signed in through a (made-up) provider identity, and a session for them. */
async function providerOnlyUser() {
  const email = `oidc-${randomUUID()}@example.com`;
  const user = await insertUserWithIdentity(platform.db, null, { id: randomUUID(), email }, { id: randomUUID(), issuer: provider.issuer, subject: randomUUID() });
  return { user, email };
}

/** A session cookie (`name=value`) for the user, made the way the callback makes it. */
async function signInAs(userId: string): Promise<string> {
  const pool = new pg.Pool({ connectionString: platform.config.DATABASE_URL, max: 1 });
  try {
    return (await createSessions(pool, { secure: false }).create(userId)).split(';')[0]!;
  } finally {
    await pool.end();
  }
}

async function startAttempt() {
  const res = await request(platform.app).get('/api/auth/oidc/start');
  expect(res.status).toBe(303);
  const location = new URL(res.headers['location']!);
  const cookie = String(res.headers['set-cookie']?.[0]);
  return { location, cookie, binding: cookie.split(';')[0]! };
}

describe('OpenID Connect sign-in at the API', () => {
  it('names the provider and starts with a PKCE, state and nonce redirect and a short-lived httpOnly cookie', async () => {
    expect((await request(platform.app).get('/api/auth/oidc/provider')).body).toEqual({ provider: { name: 'Test Provider' } });
    const { location, cookie } = await startAttempt();
    expect(location.origin).toBe(provider.issuer);
    expect(location.searchParams.get('client_id')).toBe(provider.clientId);
    expect(location.searchParams.get('redirect_uri')).toBe(`${ORIGIN}/api/auth/oidc/callback`);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('state')).toBeTruthy();
    expect(location.searchParams.get('nonce')).toBeTruthy();
    expect(location.toString()).not.toContain(provider.clientSecret);
    expect(cookie).toMatch(/^tf_oidc=[\w-]{43}; Path=\/api\/auth\/oidc; Max-Age=600; HttpOnly; SameSite=Lax/);
    // Only hashes are stored: neither the state nor the cookie's value is in the table.
    const stored = await platform.db.any(sql.type(z.object({ stateHash: z.string(), nonceHash: z.string(), verifierHash: z.string() }))`
      select state_hash, nonce_hash, verifier_hash from oidc_login_attempts`);
    const raw = JSON.stringify(stored);
    expect(raw).not.toContain(location.searchParams.get('state'));
    expect(raw).not.toContain(location.searchParams.get('nonce'));
    expect(raw).not.toContain(cookie.split(';')[0]!.split('=')[1]);
  });

  it('refuses an unknown state, a callback from another browser, and a replay, creating nothing', async () => {
    const before = { users: await count('users'), identities: await count('user_identities') };
    const unknown = await request(platform.app).get('/api/auth/oidc/callback?code=abc&state=made-up');
    expect(unknown.status).toBe(303);
    expect(unknown.headers['location']).toBe('/signin?oidc_error=oidc_state');

    // The right state without the starting browser's cookie (a link sent to someone else) is refused, and spent.
    const { location, binding } = await startAttempt();
    const state = location.searchParams.get('state')!;
    const elsewhere = await request(platform.app).get(`/api/auth/oidc/callback?code=abc&state=${state}`);
    expect(elsewhere.headers['location']).toBe('/signin?oidc_error=oidc_browser');
    const replay = await request(platform.app).get(`/api/auth/oidc/callback?code=abc&state=${state}`).set('Cookie', binding);
    expect(replay.headers['location']).toBe('/signin?oidc_error=oidc_state');

    // With its cookie but a code the provider never issued: the exchange fails, and the attempt is gone all the same.
    const second = await startAttempt();
    const secondState = second.location.searchParams.get('state')!;
    const code = `forged-${randomUUID()}`;
    const forged = await request(platform.app).get(`/api/auth/oidc/callback?code=${code}&state=${secondState}&iss=${encodeURIComponent(provider.issuer)}`).set('Cookie', second.binding);
    expect(forged.headers['location']).toBe('/signin?oidc_error=oidc_exchange');
    // The refusal is logged without the code, the state, the cookie or the client secret.
    expect(logged.join('\n')).toMatch(/callback refused \(oidc_exchange\)/);
    for (const secret of [code, secondState, second.binding.split('=')[1]!, provider.clientSecret]) expect(logged.join('\n')).not.toContain(secret);
    expect(String(forged.headers['set-cookie'])).toMatch(/^tf_oidc=; Path=\/api\/auth\/oidc; Max-Age=0/);
    const again = await request(platform.app).get(`/api/auth/oidc/callback?code=forged&state=${secondState}`).set('Cookie', second.binding);
    expect(again.headers['location']).toBe('/signin?oidc_error=oidc_state');
    expect({ users: await count('users'), identities: await count('user_identities') }).toEqual(before);
  });

  it('limits the sign-ins started from one address, storing no attempt beyond the limit', async () => {
    // An address of its own (the app trusts the loopback proxy's X-Forwarded-For): the other tests' starts do not count.
    const address = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
    const start = () => request(platform.app).get('/api/auth/oidc/start').set('X-Forwarded-For', address);
    for (let i = 0; i < OIDC_START_LIMIT.starts; i++) expect(new URL((await start()).headers['location']!).origin).toBe(new URL(provider.issuer).origin);
    const before = await count('oidc_login_attempts');
    const refused = await start();
    expect(refused.status).toBe(303);
    expect(refused.headers['location']).toBe('/signin?oidc_error=oidc_busy');
    expect(refused.headers['set-cookie']).toBeUndefined();
    expect(await count('oidc_login_attempts')).toBe(before);
    // Another address still starts.
    expect((await request(platform.app).get('/api/auth/oidc/start').set('X-Forwarded-For', '198.51.100.251')).headers['location']).toMatch(/^http/);
  });

  it('refuses password sign-in for an account without a password, as a wrong password', async () => {
    const { email } = await providerOnlyUser();
    const res = await request(platform.app).post('/api/auth/signin').set('Origin', ORIGIN).send({ email, password: 'any password at all' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_credentials');
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('linked identities', () => {
  it('lists them and unlinks one while a password or another identity remains, never the last way in', async () => {
    const user = await signedUpAgent(platform.app);
    const link = (subject: string) => insertIdentity(platform.db, { id: randomUUID(), userId: user.userId, issuer: provider.issuer, subject, email: user.email });
    await link('first');
    const listed = await user.agent.get('/api/auth/identities');
    expect(listed.status).toBe(200);
    expect(listed.body.identities).toEqual([expect.objectContaining({ issuer: provider.issuer, email: user.email })]);
    // A password remains: the only identity can go.
    expect((await user.agent.delete(`/api/auth/identities/${listed.body.identities[0].id}`).set('Origin', ORIGIN)).status).toBe(204);
    expect((await user.agent.get('/api/auth/identities')).body.identities).toEqual([]);

    // Another user's identity is a 404, exactly like a missing one.
    const other = await signedUpAgent(platform.app);
    const otherId = randomUUID();
    await insertIdentity(platform.db, { id: otherId, userId: other.userId, issuer: provider.issuer, subject: randomUUID(), email: other.email });
    expect((await user.agent.delete(`/api/auth/identities/${otherId}`).set('Origin', ORIGIN)).status).toBe(404);
    expect((await other.agent.get('/api/auth/identities')).body.identities).toHaveLength(1);
  });

  it('keeps the last identity of an account without a password, and lets one of two go', async () => {
    const { user } = await providerOnlyUser();
    // A session for the password-less user, as the callback would create it.
    const cookie = await signInAs(user.id);
    const api = request(platform.app);
    const [only] = (await api.get('/api/auth/identities').set('Cookie', cookie)).body.identities as { id: string }[];
    const refused = await api.delete(`/api/auth/identities/${only!.id}`).set('Cookie', cookie).set('Origin', ORIGIN);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('last_sign_in_method');
    expect(refused.body.error.message).toMatch(/only way to sign in/);
    expect((await api.get('/api/auth/identities').set('Cookie', cookie)).body.identities).toHaveLength(1);

    await insertIdentity(platform.db, { id: randomUUID(), userId: user.id, issuer: 'https://other.example', subject: 'x', email: null });
    expect((await api.delete(`/api/auth/identities/${only!.id}`).set('Cookie', cookie).set('Origin', ORIGIN)).status).toBe(204);
    const left = (await api.get('/api/auth/identities').set('Cookie', cookie)).body.identities as { id: string; issuer: string }[];
    expect(left.map((i) => i.issuer)).toEqual(['https://other.example']);
    expect((await api.delete(`/api/auth/identities/${left[0]!.id}`).set('Cookie', cookie).set('Origin', ORIGIN)).status).toBe(409);
    // Tokens cannot manage identities, and a password change says the account has none.
    const password = await api.post('/api/auth/password').set('Cookie', cookie).set('Origin', ORIGIN).send({ currentPassword: 'x', newPassword: 'a brand new passphrase' });
    expect(password.status).toBe(409);
    expect(password.body.error.code).toBe('no_password');
  });
});
