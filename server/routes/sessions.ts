// /api/auth/sessions: the signed-in user's browser sessions, and signing out one of the others. A session is named by
// the first 12 hex characters of its stored hash: enough to tell a user's sessions apart, useless for signing in.
import { Router } from 'express';
import { currentUser } from '../auth/middleware.js';
import { requireScope } from '../auth/scopes.js';
import type { Sessions, StoredSession } from '../auth/sessions.js';
import { HttpError, notFound } from '../errors.js';

const SHORT_ID = 12;
const shortId = (s: StoredSession): string => s.sessionId.slice(0, SHORT_ID);

export function sessionsRouter(sessions: Sessions): Router {
  const router = Router();

  router.get('/', requireScope('session'), async (req, res) => {
    const stored = await sessions.listFor(currentUser(req).id);
    res.json({
      sessions: stored.map((s) => ({
        id: shortId(s),
        createdAt: s.createdAt?.toISOString() ?? null,
        expiresAt: s.expiresAt.toISOString(),
        current: s.sessionId === req.sessionId,
      })),
    });
  });

  /** Signs out another of the user's sessions; this browser's own is refused (sign out ends it). */
  router.delete('/:id', requireScope('session'), async (req, res) => {
    const id = req.params.id;
    const matching = /^[0-9a-f]{12}$/.test(id) ? (await sessions.listFor(currentUser(req).id)).filter((s) => shortId(s) === id) : [];
    if (!matching.length) throw notFound('session');
    if (matching.some((s) => s.sessionId === req.sessionId)) {
      throw new HttpError(409, 'current_session', 'this is the session you are using: sign out to end it');
    }
    for (const s of matching) await sessions.invalidate(s.sessionId);
    res.status(204).end();
  });

  return router;
}
