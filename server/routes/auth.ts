// /api/auth: sign-up, sign-in (rate-limited), sign-out, password change and the current user.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { Credentials, PasswordChangeInput, SIGNIN_LIMIT, SignUpInput } from '../../domain/account.js';
import type { DualWriteSink } from '../../db/legacy-mirror.js';
import type { Db } from '../../db/pool.js';
import { legacyUuid } from '../../domain/legacy-mapping.js';
import { readDataSource } from '../../db/migration-runs.js';
import { clearRateKey, releaseRateSlots, takeRateSlot } from '../../db/quotas.js';
import * as users from '../../db/users.js';
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
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash), input.password);
    if (!user || !ok) throw new HttpError(400, 'invalid_credentials', 'email or password is wrong');
    await releaseRateSlots(db, slot.ids);
    // A migrated legacy account signs in here only after the cutover: until then the old platform serves it.
    const cameFromLegacy = user.legacyId !== null && user.id === legacyUuid('users', user.legacyId);
    if (cameFromLegacy && (await readDataSource(db))?.store !== 'postgres') {
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

  // A changed password ends every session of the account (a thief's too); the browser that changed it gets a new one.
  router.post('/password', requireScope('session'), async (req, res) => {
    const input = PasswordChangeInput.parse(req.body);
    const user = (await users.findUserById(db, currentUser(req).id))!;
    if (user.passwordHash !== null) {
      const key = `password-change-failure:user:${user.id}`;
      const slot = await takeRateSlot(db, [{ key, limit: SIGNIN_LIMIT.failures, windowSeconds: SIGNIN_LIMIT.windowSeconds }]);
      if (!slot.ok) throw rateLimited('too many wrong current passwords; wait 15 minutes and try again', SIGNIN_LIMIT.windowSeconds);
      if (!input.currentPassword || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
        throw new HttpError(400, 'invalid_credentials', 'currentPassword: the current password is wrong', 'currentPassword');
      }
      await releaseRateSlots(db, slot.ids);
    }
    await users.setPasswordHash(db, user.id, await hashPassword(input.newPassword));
    await sessions.invalidateAllFor(user.id);
    res.append('Set-Cookie', await sessions.create(user.id));
    res.status(204).end();
  });

  router.get('/me', requireScope('read'), (req, res) => {
    const user = currentUser(req);
    res.json({ user: { id: user.id, email: user.email, isOperator: user.isOperator } });
  });

  return router;
}
