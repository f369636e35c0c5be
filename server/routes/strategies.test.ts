// Strategy store through the API: bundled strategies for everyone, uploads validated, versions immutable and private.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_BUILTIN_STRATEGIES } from '../../domain/bundled-strategies.js';
import { ORIGIN, signedUpAgent, startPlatform, type TestPlatform } from '../../test/platform.js';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startPlatform({ worker: false });
});
afterAll(async () => {
  await platform?.stop();
});

const mine = { ...BUNDLED_BUILTIN_STRATEGIES[0]!, name: 'My RSI', stoploss: -0.05 };

describe('strategy store', () => {
  it('serves the JSON Schema of a builtin strategy to anyone, signed in or not', async () => {
    const res = await request(platform.app).get('/api/strategies/builtin.schema.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/schema\+json/);
    expect(res.body).toMatchObject({ $id: '/api/strategies/builtin.schema.json', type: 'object', properties: { entry: { $ref: '#/$defs/rule' } } });
    expect(res.body.required).toEqual(expect.arrayContaining(['schemaVersion', 'name', 'timeframe', 'entry', 'exit', 'stoploss']));
  });

  it('lists the bundled strategies for a new user', async () => {
    const { agent } = await signedUpAgent(platform.app);
    const { body } = await agent.get('/api/strategies');
    expect(body.strategies.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['RSI mean reversion', 'EMA crossover with trailing stop']));
    expect(body.strategies.every((s: { author: string }) => s.author === 'tradefleet')).toBe(true);
  });

  it('saves a valid strategy once per content and keeps it from other users', async () => {
    const user = await signedUpAgent(platform.app);
    const first = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ content: mine, note: 'tighter stop' });
    expect(first.status).toBe(201);
    expect(first.body.strategy).toMatchObject({ name: 'My RSI', engine: 'builtin', author: user.email, note: 'tighter stop' });
    // The same document with keys in another order is the same version.
    const reordered = Object.fromEntries(Object.entries(mine).reverse());
    const again = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ content: reordered });
    expect(again.body.strategy.id).toBe(first.body.strategy.id);
    const read = await user.agent.get(`/api/strategies/${first.body.strategy.id}`);
    expect(read.body.strategy.content.stoploss).toBe(-0.05);

    const other = await signedUpAgent(platform.app);
    expect((await other.agent.get(`/api/strategies/${first.body.strategy.id}`)).status).toBe(404);
    expect((await other.agent.get('/api/strategies')).body.strategies.map((s: { id: string }) => s.id)).not.toContain(first.body.strategy.id);
  });

  it('refuses an invalid strategy naming the problem, and saves nothing', async () => {
    const user = await signedUpAgent(platform.app);
    const broken = { ...mine, exit: { left: { indicator: 'rsi7' }, op: '>', right: { value: 70 } } };
    const res = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ content: broken });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^content\.exit.*rsi7/);
    const positiveStop = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ content: { ...mine, stoploss: 0.1 } });
    expect(positiveStop.body.error.field).toBe('content.stoploss');
    const { body } = await user.agent.get('/api/strategies');
    expect(body.strategies.filter((s: { userId: string | null }) => s.userId)).toEqual([]);
  });
});
