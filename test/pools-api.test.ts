// /api/pools on real parts (API, Temporal, a worker, PostgreSQL): operators read pools and command their scaler
// workflow; anyone else is refused as by every operator endpoint (401 signed out, 403 signed in). A setting the pool refuses is a 400 naming the field,
// and the pool keeps its settings.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOperator } from '../db/users.js';
import type { PoolSettings } from '../domain/pool.js';
import { poolWorkflowId } from '../domain/workflow-ids.js';
import { createPoolCommands } from '../server/pool-commands.js';
import { initialPoolSettings } from '../worker/docker-host.js';
import { poolState, poolWorkflow } from '../workflows/pool.js';
import { openSse } from './sse-client.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

let platform: TestPlatform;
let operator: Awaited<ReturnType<typeof signedUpAgent>>;
let trader: Awaited<ReturnType<typeof signedUpAgent>>;
let poolId: string;
let initial: PoolSettings;

beforeAll(async () => {
  platform = await startPlatform();
  // Signed up first: on an empty database the first user is the operator anyway, so the trader is never that one.
  operator = await signedUpAgent(platform.app);
  await makeOperator(platform.db, operator.email);
  trader = await signedUpAgent(platform.app);
  poolId = platform.config.BOT_POOL_ID;
  // No headroom and no minimum: the pool keeps no container, so nothing here needs Docker.
  initial = { ...initialPoolSettings(platform.config), headroom: 0 };
  await platform.temporal.workflow.start(poolWorkflow, {
    workflowId: poolWorkflowId(poolId), taskQueue: platform.config.TEMPORAL_TASK_QUEUE, args: [{ poolId, settings: initial }],
  });
  await waitFor('the pool row', async () => (await operator.agent.get(`/api/pools/${poolId}`)).status === 200);
}, 120_000);

afterAll(async () => {
  await platform?.temporal.workflow.getHandle(poolWorkflowId(poolId)).terminate('test over').catch(() => undefined);
  await platform?.stop();
});

const settingsNow = async () => (await operator.agent.get(`/api/pools/${poolId}`)).body.pool.settings as PoolSettings;
const patch = (body: unknown) => operator.agent.patch(`/api/pools/${poolId}/settings`).set('Origin', ORIGIN).send(body as object);

describe('pools API', () => {
  it('shows pools to operators only: 403 to a signed-in trader, 401 signed out, and nothing changes', async () => {
    const list = await operator.agent.get('/api/pools');
    expect(list.status).toBe(200);
    const mine = list.body.pools.find((p: { id: string }) => p.id === poolId);
    // Another test of this file may have changed a setting already: what counts is that the trader changes nothing.
    const before = mine.settings as PoolSettings;
    expect(mine).toMatchObject({ id: poolId, containers: [] });

    const tries: Array<[string, PromiseLike<request.Response>]> = [
      ['list', trader.agent.get('/api/pools')],
      ['read', trader.agent.get(`/api/pools/${poolId}`)],
      ['stream', trader.agent.get('/api/pools/stream')],
      ['settings', trader.agent.patch(`/api/pools/${poolId}/settings`).set('Origin', ORIGIN).send({ headroom: 9 })],
      ['scale', trader.agent.post(`/api/pools/${poolId}/scale`).set('Origin', ORIGIN).send({ containers: 3 })],
      ['drain', trader.agent.post(`/api/pools/${poolId}/containers/${poolId}-c1/drain`).set('Origin', ORIGIN)],
      ['move', trader.agent.post(`/api/pools/${poolId}/bots/00000000-0000-4000-8000-000000000000/move`).set('Origin', ORIGIN).send({ containerKey: 'x' })],
    ];
    for (const [what, pending] of tries) {
      const res = await pending;
      expect(res.status, what).toBe(403);
      expect(res.body.error, what).toMatchObject({ code: 'forbidden', message: 'only operators may manage pools' });
    }
    const anonymous = await request(platform.app).get('/api/pools');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthenticated');
    expect(await settingsNow()).toEqual(before);
  });

  it('links the pool\'s scaler workflow in the Temporal UI', async () => {
    const { body } = await operator.agent.get(`/api/pools/${poolId}`);
    expect(body.workflow).toEqual({ workflowId: poolWorkflowId(poolId), url: expect.stringMatching(new RegExp(`/workflows/pool%3A${poolId}$`)) });
  });

  it('answers 404 for a pool that does not exist', async () => {
    expect((await operator.agent.get('/api/pools/no-such-pool')).status).toBe(404);
    const res = await operator.agent.patch('/api/pools/no-such-pool/settings').set('Origin', ORIGIN).send({ headroom: 1 });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await operator.agent.post('/api/pools/no-such-pool/scale').set('Origin', ORIGIN).send({ containers: 1 })).status).toBe(404);
  });

  it('refuses a bad setting naming the field, and the pool keeps its settings', async () => {
    const bad = async (body: unknown, field: string, message: RegExp) => {
      const res = await patch(body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_input', field });
      expect(res.body.error.message).toMatch(message);
    };
    const before = await settingsNow();
    await bad({ containerMemoryMb: 10 }, 'containerMemoryMb', /^containerMemoryMb: must be between 96 and 16384$/);
    await bad({ headroom: 2.5 }, 'headroom', /^headroom: must be a whole number$/);
    await bad({ minContainers: 5, maxContainers: 2 }, 'minContainers', /must not exceed maxContainers/);
    await bad({ hosts: ['ok', 'Not A Host'] }, 'hosts.1', /^hosts\.1: must be a host name/);
    await bad({ colour: 'blue' }, 'colour', /is not a pool setting/);
    expect(await settingsNow()).toEqual(before);
    // The workflow's own validator answers the same way when a command reaches it unchecked (a stale read, a script).
    const direct = await createPoolCommands(platform.temporal).configure(poolId, { scaleDownCycles: 0 }).catch((e: unknown) => e);
    expect(direct).toMatchObject({ status: 400, field: 'scaleDownCycles', message: 'scaleDownCycles: must be between 1 and 100' });
    const state = await platform.temporal.workflow.getHandle(poolWorkflowId(poolId)).query(poolState);
    expect(state.settings).toEqual(before);
  });

  it('changes a setting through the workflow, and the live stream shows it', async () => {
    const stream = await openSse(platform.app, '/api/pools/stream', { cookie: operator.cookie });
    try {
      const first = await stream.next((e) => e.event === 'pools');
      expect(JSON.parse(first.data).pools.map((p: { id: string }) => p.id)).toContain(poolId);
      const res = await patch({ scaleDownCycles: 7, maxBotsPerContainer: 30 });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.pool.settings).toEqual({ ...initial, scaleDownCycles: 7, maxBotsPerContainer: 30 });
      await stream.next((e) => {
        const pool = JSON.parse(e.data).pools.find((p: { id: string }) => p.id === poolId);
        return pool?.settings.scaleDownCycles === 7;
      });
      const state = await platform.temporal.workflow.getHandle(poolWorkflowId(poolId)).query(poolState);
      expect(state.settings.scaleDownCycles).toBe(7);
    } finally {
      await stream.close();
    }
  });

  it('refuses a scale, a drain or a move the pool cannot do, naming the field', async () => {
    const post = (path: string, body: object = {}) => operator.agent.post(`/api/pools/${poolId}${path}`).set('Origin', ORIGIN).send(body);
    const tooMany = await post('/scale', { containers: 500 });
    expect(tooMany.status, JSON.stringify(tooMany.body)).toBe(400);
    expect(tooMany.body.error).toMatchObject({ field: 'containers', message: expect.stringContaining('maxContainers') });
    expect((await post('/scale', { containers: -1 })).body.error.field).toBe('containers');
    const drain = await post(`/containers/${poolId}-c99/drain`);
    expect(drain.status).toBe(400);
    expect(drain.body.error).toMatchObject({ field: 'key', message: `key: no container ${poolId}-c99 in pool ${poolId}` });
    const move = await post('/bots/00000000-0000-4000-8000-000000000000/move', { containerKey: `${poolId}-c1` });
    expect(move.status).toBe(400);
    expect(move.body.error.field).toBe('botId');
    expect((await post('/bots/00000000-0000-4000-8000-000000000000/move', {})).body.error.field).toBe('containerKey');
  });
});
