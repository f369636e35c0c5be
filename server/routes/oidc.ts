// /api/auth/oidc and /api/auth/identities: sign-in and linking with an OpenID Connect provider, and unlinking.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { DualWriteSink } from '../../db/legacy-mirror.js';
import type { Db } from '../../db/pool.js';
import * as identities from '../../db/identities.js';
import { takeRateSlot } from '../../db/quotas.js';
import * as users from '../../db/users.js';
import { OIDC_START_LIMIT, type OidcFailure } from '../../domain/identity.js';
import { awaitsCutover } from '../auth/legacy-cutover.js';
import { currentUser } from '../auth/middleware.js';
import { attemptSecrets, hashState, newAttempt, type Oidc, type ProviderAccount } from '../auth/oidc.js';
import { requireScope } from '../auth/scopes.js';
import type { Sessions } from '../auth/sessions.js';
import { HttpError, notFound } from '../errors.js';

const COOKIE = 'tf_oidc';
const COOKIE_PATH = '/api/auth/oidc';

export interface OidcRouterDeps {
  db: Db;
  dualWrite: DualWriteSink | null;
  sessions: Sessions;
  /** Null when no provider is configured: the routes exist and say so. */
  oidc: Oidc | null;
  log: (entry: Record<string, unknown>) => void;
}

/** The attempt's binding cookie: httpOnly, only sent to the callback's path, gone after 10 minutes. */
function attemptCookie(value: string, maxAge: number, secure: boolean): string {
  return `${COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

function readCookie(req: Request): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=') || null;
  }
  return null;
}

const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** What went wrong without anything the provider or the browser sent (codes, tokens, claims). */
const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}${'code' in error && typeof error.code === 'string' ? ` ${error.code}` : ''}: ${error.message.slice(0, 200)}` : 'unknown error';

export function oidcRouter({ db, dualWrite, sessions, oidc, log }: OidcRouterDeps): Router {
  const router = Router();

  router.get('/oidc/provider', requireScope('public'), (_req, res) => {
    res.json({ provider: oidc ? { name: oidc.name } : null });
  });

  /** `?link=1` from a signed-in browser links the provider to that account; otherwise it signs in (or up). */
  router.get('/oidc/start', requireScope('public'), async (req, res) => {
    const linking = req.query['link'] === '1';
    const back = linking ? '/settings' : '/signin';
    if (!oidc) return res.redirect(303, `${back}?oidc_error=oidc_off`);
    if (linking && (!req.user || req.viaToken)) return res.redirect(303, '/signin?next=/settings');
    // Unauthenticated and each one stored: a script must not fill the attempts table.
    const slot = await takeRateSlot(db, [{ key: `oidc-start:ip:${req.ip ?? 'unknown'}`, limit: OIDC_START_LIMIT.starts, windowSeconds: OIDC_START_LIMIT.windowSeconds }]);
    if (!slot.ok) return res.redirect(303, `${back}?oidc_error=oidc_busy`);
    const attempt = newAttempt();
    let url: URL;
    try {
      url = await oidc.authorizationUrl({ state: attempt.state, nonce: attempt.nonce, verifier: attempt.verifier });
    } catch (error) {
      log({ level: 'warn', msg: `OpenID Connect discovery failed: ${describe(error)}` });
      return res.redirect(303, `${back}?oidc_error=oidc_unreachable`);
    }
    await identities.insertLoginAttempt(db, {
      stateHash: attempt.stateHash, nonceHash: attempt.nonceHash, verifierHash: attempt.verifierHash, linkUserId: linking ? req.user!.id : null,
    });
    res.append('Set-Cookie', attemptCookie(attempt.binding, identities.LOGIN_ATTEMPT_MINUTES * 60, oidc.secureCookie));
    res.redirect(303, url.toString());
  });

  router.get('/oidc/callback', requireScope('public'), async (req, res) => {
    const fail = (code: OidcFailure, why?: string) => {
      if (why) log({ level: 'warn', msg: `OpenID Connect callback refused (${code}): ${why}` });
      res.redirect(303, `${req.user && !req.viaToken ? '/settings' : '/signin'}?oidc_error=${code}`);
    };
    // The attempt cookie is spent whatever happens next.
    res.append('Set-Cookie', attemptCookie('', 0, oidc?.secureCookie ?? false));
    if (!oidc) return fail('oidc_off');
    const state = req.query['state'];
    if (typeof state !== 'string' || !state) return fail('oidc_state');
    const attempt = await identities.takeLoginAttempt(db, hashState(state));
    if (!attempt) return fail('oidc_state');
    const binding = readCookie(req);
    const expected = binding ? attemptSecrets(binding) : null;
    if (!expected || !sameHash(expected.verifierHash, attempt.verifierHash) || !sameHash(expected.nonceHash, attempt.nonceHash)) {
      return fail('oidc_browser');
    }
    if (req.query['error'] !== undefined) return fail('oidc_denied');
    let account: ProviderAccount;
    try {
      account = await oidc.finish(new URL(req.originalUrl, 'http://callback').search, { state, nonce: expected.nonce, verifier: expected.verifier });
    } catch (error) {
      return fail('oidc_exchange', describe(error));
    }

    if (attempt.linkUserId) {
      if (req.user?.id !== attempt.linkUserId) return fail('oidc_browser');
      const owner = await identities.findIdentityUser(db, account.issuer, account.subject);
      if (owner && owner !== attempt.linkUserId) return fail('oidc_taken');
      if (!owner) {
        const email = account.emailVerified ? account.email : null;
        const linked = await identities.insertIdentity(db, { id: randomUUID(), userId: attempt.linkUserId, issuer: account.issuer, subject: account.subject, email });
        if (!linked) return fail('oidc_taken');
      }
      return res.redirect(303, '/settings?linked=1');
    }

    const userId = await signInUser(db, dualWrite, account);
    if (typeof userId !== 'string') return fail(userId.failure);
    res.append('Set-Cookie', await sessions.create(userId));
    res.redirect(303, '/bots');
  });

  router.get('/identities', requireScope('session'), async (req, res) => {
    res.json({ identities: await identities.listIdentities(db, currentUser(req).id) });
  });

  router.delete('/identities/:id', requireScope('session'), async (req, res) => {
    const result = await identities.deleteIdentity(db, currentUser(req).id, req.params.id);
    if (result === 'not_found') throw notFound('identity');
    if (result === 'last_way_in') {
      throw new HttpError(409, 'last_sign_in_method', 'this provider is your only way to sign in: link another provider first');
    }
    res.status(204).end();
  });

  return router;
}

/**
 * The account a provider's sign-in opens: the one its identity is linked to, else the one with its verified email (now
 * linked), else a new one without a password. An unverified email links and creates nothing.
 */
async function signInUser(db: Db, dualWrite: DualWriteSink | null, account: ProviderAccount, retried = false): Promise<string | { failure: OidcFailure }> {
  const linked = await identities.findIdentityUser(db, account.issuer, account.subject);
  if (linked) {
    const user = await users.findUserById(db, linked);
    return user && (await awaitsCutover(db, user)) ? { failure: 'oidc_migration_pending' } : linked;
  }
  if (!account.email || !account.emailVerified) return { failure: 'oidc_email' };
  const identity = { id: randomUUID(), issuer: account.issuer, subject: account.subject };
  try {
    const existing = await users.findUserByEmail(db, account.email);
    // As with a password: a migrated legacy account is the old platform's until the cutover, so nothing is linked yet.
    if (existing && (await awaitsCutover(db, existing))) return { failure: 'oidc_migration_pending' };
    if (existing) {
      if (await identities.insertIdentity(db, { ...identity, userId: existing.id, email: account.email })) return existing.id;
      throw new identities.IdentityTakenError();
    }
    return (await users.insertUserWithIdentity(db, dualWrite, { id: randomUUID(), email: account.email }, identity)).id;
  } catch (error) {
    // Another sign-in of the same identity or email won a race: once more, now finding what it wrote.
    const raced = error instanceof identities.IdentityTakenError || error instanceof users.EmailTakenError;
    if (raced && !retried) return signInUser(db, dualWrite, account, true);
    throw error;
  }
}
