// What the new-bot form needs from the API (real PostgreSQL and a paper exchange, no worker): the exchange's markets
// for its pair picker, and one 400 naming every wrong field, the exchange's market problems included.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { apiOnlyPlatform } from './api-only-platform.js';
import { ORIGIN, signedUpAgent } from './platform.js';

const platform = apiOnlyPlatform();

describe('exchange markets', () => {
  it("lists the paper exchange's active spot symbols and names an unknown exchange", async () => {
    const user = await signedUpAgent(platform().app);
    const res = await user.agent.get('/api/exchanges/paper/markets');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.exchange).toBe('paper');
    expect(res.body.markets).toContain('BTC/USDT');
    expect(res.body.markets).not.toContain('FOO/USDT');
    expect([...res.body.markets].sort()).toEqual(res.body.markets);

    const unknown = await user.agent.get('/api/exchanges/nosuchexchange/markets');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('exchange nosuchexchange not found');
    expect((await request(platform().app).get('/api/exchanges/paper/markets')).status).toBe(401);
  }, 60_000);
});

describe('new bot input', () => {
  it('names every wrong field after one POST: the schema and the market check together', async () => {
    const user = await signedUpAgent(platform().app);
    const res = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: '', pairs: ['FOO/USDT'], stakeAmount: 0 });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('name');
    expect(res.body.error.fields).toEqual([
      { field: 'name', message: 'is required' },
      { field: 'stakeAmount', message: 'must be greater than 0' },
      { field: 'pairs.0', message: 'FOO/USDT is not listed on paper' },
    ]);

    // A stake under the exchange's minimum is named next to a schema problem too.
    const low = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: '', pairs: ['BTC/USDT'], stakeAmount: 0.5 });
    expect(low.status).toBe(400);
    expect(low.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['name', 'stakeAmount']);
    expect(low.body.error.fields[1].message).toMatch(/^0\.5 is below paper's minimum order of/);

    // Malformed pairs are the schema's alone: no market check runs on them.
    const malformed = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: '', pairs: ['nope'], stakeAmount: 10 });
    expect(malformed.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['name', 'pairs.0']);
  }, 60_000);
});
