// Changing one's password through the API (real PostgreSQL and sessions): every wrong field at once, a wrong current
// password refused on its field, and after a change every old session ends, the answer's new one works and only the
// new password signs in.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { apiOnlyPlatform } from './api-only-platform.js';
import { ORIGIN, signedUpAgent } from './platform.js';

const platform = apiOnlyPlatform();

describe('password change', () => {
  it('refuses wrong input naming every field, then changes it and ends the old sessions', async () => {
    const user = await signedUpAgent(platform().app);
    const other = request.agent(platform().app);
    expect((await other.post('/api/auth/signin').set('Origin', ORIGIN).send({ email: user.email, password: 'correct horse battery' })).status).toBe(200);

    const bothWrong = await user.agent.post('/api/auth/password').set('Origin', ORIGIN).send({ currentPassword: '', newPassword: 'short' });
    expect(bothWrong.status).toBe(400);
    expect(bothWrong.body.error.fields).toEqual([
      { field: 'currentPassword', message: 'is required' },
      { field: 'newPassword', message: 'must be at least 10 characters' },
    ]);
    const wrongCurrent = await user.agent.post('/api/auth/password').set('Origin', ORIGIN).send({ currentPassword: 'not it at all', newPassword: 'a brand new passphrase' });
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.body.error).toMatchObject({ field: 'currentPassword', message: 'is not your current password' });

    const changed = await user.agent.post('/api/auth/password').set('Origin', ORIGIN)
      .send({ currentPassword: 'correct horse battery', newPassword: 'a brand new passphrase' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const fresh = String(changed.headers['set-cookie']?.[0]).split(';')[0]!;

    // The other browser's session and the old cookie are over; the answer's cookie works.
    expect((await other.get('/api/auth/me')).status).toBe(401);
    expect((await request(platform().app).get('/api/auth/me').set('Cookie', user.cookie)).status).toBe(401);
    expect((await request(platform().app).get('/api/auth/me').set('Cookie', fresh)).status).toBe(200);

    const signin = (password: string) => request(platform().app).post('/api/auth/signin').set('Origin', ORIGIN).send({ email: user.email, password });
    expect((await signin('correct horse battery')).status).toBe(400);
    expect((await signin('a brand new passphrase')).status).toBe(200);
  }, 60_000);
});
