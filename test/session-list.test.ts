// A user's sessions through the API (real PostgreSQL and sessions): listed with short ids and times, never a token or
// its hash; another browser signed out by its id; this browser's own refused; tokens and other users kept out.
import request from 'supertest';
import { z } from 'zod';
import { sql } from '../db/pool.js';
import { describe, expect, it } from 'vitest';
import { apiOnlyPlatform } from './api-only-platform.js';
import { ORIGIN, signedUpAgent } from './platform.js';

const platform = apiOnlyPlatform();

describe('sessions', () => {
  it('lists the sessions and signs out another one', async () => {
    const user = await signedUpAgent(platform().app);
    const other = request.agent(platform().app);
    expect((await other.post('/api/auth/signin').set('Origin', ORIGIN).send({ email: user.email, password: 'correct horse battery' })).status).toBe(200);

    const listed = await user.agent.get('/api/auth/sessions');
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const sessions = listed.body.sessions as { id: string; createdAt: string | null; expiresAt: string; current: boolean }[];
    expect(sessions).toHaveLength(2);
    for (const s of sessions) {
      expect(s.id).toMatch(/^[0-9a-f]{12}$/);
      expect(Date.parse(s.createdAt!)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(s.expiresAt)).toBeGreaterThan(Date.now());
    }
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    // Neither the cookie's token nor its stored hash is in the answer.
    const rows = await platform().db.any(sql.type(z.object({ id: z.string() }))`select id from user_sessions where user_id = ${user.userId}`);
    const body = JSON.stringify(listed.body);
    for (const r of rows) expect(body).not.toContain(r.id);
    expect(body).not.toContain(user.cookie.split('=')[1]!);

    const mine = sessions.find((s) => s.current)!;
    const theirs = sessions.find((s) => !s.current)!;
    const own = await user.agent.delete(`/api/auth/sessions/${mine.id}`).set('Origin', ORIGIN);
    expect(own.status).toBe(409);
    expect(own.body.error.code).toBe('current_session');

    // Another user cannot end it.
    const stranger = await signedUpAgent(platform().app);
    expect((await stranger.agent.delete(`/api/auth/sessions/${theirs.id}`).set('Origin', ORIGIN)).status).toBe(404);
    expect((await other.get('/api/auth/me')).status).toBe(200);

    expect((await user.agent.delete(`/api/auth/sessions/${theirs.id}`).set('Origin', ORIGIN)).status).toBe(204);
    expect((await other.get('/api/auth/me')).status).toBe(401);
    expect((await user.agent.get('/api/auth/me')).status).toBe(200);
    const after = (await user.agent.get('/api/auth/sessions')).body.sessions;
    expect(after).toEqual([mine]);
    expect((await user.agent.delete(`/api/auth/sessions/${theirs.id}`).set('Origin', ORIGIN)).status).toBe(404);
  }, 60_000);
});
