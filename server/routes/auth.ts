// /api/auth: sign-up, sign-in (rate-limited), sign-out, password change and the current user.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { ChangePasswordInput, Credentials, SIGNIN_LIMIT, SignUpInput } from '../../domain/account.js';
import type { DualWriteSink } from '../../db/legacy-mirror.js';
import type { Db } from '../../db/pool.js';
import { clearRateKey, releaseRateSlots, takeRateSlot } from '../../db/quotas.js';
import * as users from '../../db/users.js';
import { awaitsCutover } from '../auth/legacy-cutover.js';
import { currentUser } from '../auth/middleware.js';
import { requireScope } from '../auth/scopes.js';
import { decoyHash, hashPassword, verifyPassword } from '../auth/passwords.js';
import type { Sessions } from '../auth/sessions.js';
import { HttpError } from '../errors.js';
import { rateLimited, type Quotas } from '../quotas.js';

export function authRouter(db: Db, dualWrite: DualWriteSink | null, sessions: Sessions, quotas: Quotas): Router {
  const router = Router();

  router.post('/signup', requireScope('public'), async (req, res) => {
    const input = SignUpInput.parse(req.body);
    await quotas.takeSignup(req.ip ?? 'unknown');
    let user: users.UserRow;
    try {
      user = await users.insertUser(db, dualWrite, { id: randomUUID(), email: input.email, passwordHash: await hashPassword(input.password) });
    } catch (error) {
      if (error instanceof users.EmailTakenError) throw new HttpError(409, 'conflict', error.message, 'email');
      throw error;
    }
    res.append('Set-Cookie', await sessions.create(user.id));
    res.status(201).json({ user: { id: user.id, email: user.email, isOperator: user.isOperator } });
  });

  router.post('/signin', requireScope('public'), async (req, res) => {
    const input = Credentials.parse(req.body);
    const emailKey = `signin-failure:email:${input.email}`;
    // A slot is taken before the password is checked and kept as a failure unless it was right: of any number of
    // concurrent attempts, exactly the limit are evaluated.
    const slot = await takeRateSlot(db, [
      { key: emailKey, limit: SIGNIN_LIMIT.failures, windowSeconds: SIGNIN_LIMIT.windowSeconds },
      { key: `signin-failure:ip:${req.ip ?? 'unknown'}`, limit: SIGNIN_LIMIT.failures * 10, windowSeconds: SIGNIN_LIMIT.windowSeconds },
    ]);
    if (!slot.ok) throw rateLimited('too many failed sign-ins; wait 15 minutes and try again', SIGNIN_LIMIT.windowSeconds);
    const user = await users.findUserByEmail(db, input.email);
    // An account without a password (it signs in with a provider) is checked against the decoy: the same wrong-password
    // answer, the same time, and a failure that counts, so the form reveals neither the account nor how it signs in.
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash), input.password) && Boolean(user?.passwordHash);
    if (!user || !ok) throw new HttpError(400, 'invalid_credentials', 'email or password is wrong');
    await releaseRateSlots(db, slot.ids);
    if (await awaitsCutover(db, user)) {
      throw new HttpError(409, 'migration_pending', 'your account is being moved to this platform: keep using the old platform until the migration is cut over');
    }
    await clearRateKey(db, emailKey);
    res.append('Set-Cookie', await sessions.create(user.id));
    res.json({ user: { id: user.id, email: user.email } });
  });

  router.post('/signout', requireScope('public'), async (req, res) => {
    if (req.sessionId) await sessions.invalidate(req.sessionId);
    res.append('Set-Cookie', sessions.blankCookie());
    res.status(204).end();
  });

  /**
   * Changes the signed-in user's password when the current one is right (wrong guesses count like failed sign-ins); only
   * a browser session may, not a token. Every session of the user ends (a thief's too); the answer carries a fresh one
   * for this browser.
   */
  router.post('/password', requireScope('session'), async (req, res) => {
    const user = currentUser(req);
    const input = ChangePasswordInput.parse(req.body);
    const failureKey = `password-failure:user:${user.id}`;
    const slot = await takeRateSlot(db, [{ key: failureKey, limit: SIGNIN_LIMIT.failures, windowSeconds: SIGNIN_LIMIT.windowSeconds }]);
    if (!slot.ok) throw rateLimited('too many wrong passwords; wait 15 minutes and try again', SIGNIN_LIMIT.windowSeconds);
    const row = await users.findUserById(db, user.id);
    if (row && row.passwordHash === null) {
      throw new HttpError(409, 'no_password', 'your account has no password: it signs in with a provider (Settings lists them)');
    }
    if (!row?.passwordHash || !(await verifyPassword(row.passwordHash, input.currentPassword))) {
      throw new HttpError(400, 'invalid_credentials', 'is not your current password', 'currentPassword');
    }
    await releaseRateSlots(db, slot.ids);
    await users.setPasswordHash(db, dualWrite, user.id, await hashPassword(input.newPassword));
    await sessions.invalidateAllFor(user.id);
    res.append('Set-Cookie', await sessions.create(user.id));
    res.json({ user: { id: user.id, email: user.email } });
  });

  router.get('/me', requireScope('read'), (req, res) => {
    const user = currentUser(req);
    res.json({ user: { id: user.id, email: user.email, isOperator: user.isOperator } });
  });

  return router;
}
