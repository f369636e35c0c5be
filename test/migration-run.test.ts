// A full migration run on a generated legacy data set: operator-only API, quarantine with reasons, verification,
// approval, cutover (migrated users sign in only after it) and archive (collections renamed, not dropped).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { ORIGIN, signedUpAgent } from './platform.js';
import { ALL_COLLECTIONS, LEGACY_PASSWORD, api, compareCollection, runView, startMigrationHarness, waitForPhase, type MigrationHarness } from './migration-support.js';

let h: MigrationHarness;

beforeAll(async () => {
  h = await startMigrationHarness({ trades: 3_000 });
  h.startWorker();
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('migration run', () => {
  it('is for operators only', async () => {
    const trader = await signedUpAgent(h.platform.app);
    expect((await trader.agent.get('/api/migrations')).status).toBe(403);
    const start = await trader.agent.post('/api/migrations').set('Origin', ORIGIN).send({});
    expect(start.status).toBe(403);
    expect(start.body.error.message).toContain('only operators');
    expect((await request(h.platform.app).get('/api/migrations')).status).toBe(401);
  });

  it('answers a script holding an operator API token', async () => {
    const created = await h.operator.agent.post('/api/tokens').set('Origin', ORIGIN).send({ name: 'migration script', scopes: ['operator'] });
    expect(created.status).toBe(201);
    const listed = await request(h.platform.app).get('/api/migrations').set('Authorization', `Bearer ${created.body.token.secret}`);
    expect(listed.status).toBe(200);
    // The same view as the operator's session, whichever side of this file's cutover it is read on.
    expect(listed.body.dataSource.store).toMatch(/^(mongo|postgres)$/);
    expect(listed.body.dataSource.store).toBe((await h.operator.agent.get('/api/migrations')).body.dataSource.store);
  });

  it('rejects a bad start request naming the field', async () => {
    const res = await api(h).post('', { collections: ['users', 'nonsense'] });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('collections.1');
    expect((await api(h).post('', { batchSize: 5 })).body.error.field).toBe('batchSize');
    expect((await api(h).get('/no-such-run')).status).toBe(404);
  });

  it('copies, quarantines, verifies, waits for approval, cuts over and archives', async () => {
    const started = await api(h).post('', { batchSize: 400 });
    expect(started.status).toBe(201);
    const runId: string = started.body.run.id;
    // A script that started the run can open it in the Temporal UI.
    expect(started.body.workflowLink).toEqual({ workflowId: `migration:${runId}`, url: expect.stringMatching(new RegExp(`/workflows/migration%3A${runId}$`)) });
    expect((await api(h).post('', {})).status).toBe(409); // one active run at a time

    const waiting = await waitForPhase(h, runId, ['awaiting_cutover']);
    expect(waiting.run.dualWrite).toBe(true);
    for (const c of waiting.collections) {
      expect(c.state, c.collection).toBe('verified');
      expect(c.copied + c.quarantined, c.collection).toBe(c.sourceCount);
    }
    const trades = waiting.collections.find((c) => c.collection === 'trades')!;
    expect(trades.copied).toBeGreaterThan(2_900);
    expect(trades.rate).toBeGreaterThan(0);
    expect(trades.etaSeconds).toBe(0);

    // Every document the seed broke on purpose is quarantined, with a reason naming the field, and kept whole.
    const held = new Map(waiting.quarantine.rows.map((q) => [`${q.collection}:${q.legacyId}`, q]));
    expect(h.seed.planted.length).toBeGreaterThan(5);
    for (const p of h.seed.planted) {
      const q = held.get(`${p.collection}:${p.legacyId}`);
      expect(q, `${p.collection} ${p.legacyId}`).toBeDefined();
      expect(q!.reason.startsWith(`${p.field}`), q!.reason).toBe(true);
      expect((q!.document as { _id: { $oid: string } })._id.$oid).toBe(p.legacyId);
    }
    expect(waiting.quarantine.rows.some((q) => q.reason.includes('differ only by case'))).toBe(true);

    // A migrated user cannot sign in here before the cutover: the old platform still serves them.
    const signin = () => request(h.platform.app).post('/api/auth/signin').set('Origin', ORIGIN).send({ email: h.seed.sampleUser.email, password: LEGACY_PASSWORD });
    const early = await signin();
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('migration_pending');

    // Approval is validated: the quarantine must be acknowledged.
    const unacknowledged = await api(h).post(`/${runId}/approve`, {});
    expect(unacknowledged.status).toBe(400);
    expect(unacknowledged.body.error.field).toBe('acceptQuarantined');
    expect((await api(h).post(`/${runId}/approve`, { acceptQuarantined: true })).status).toBe(200);

    const done = await waitForPhase(h, runId, ['done']);
    expect(done.run.status).toBe('completed');
    expect(done.run.dualWrite).toBe(false);
    expect((await signin()).status).toBe(200);
    expect((await api(h).get('')).body.dataSource).toMatchObject({ store: 'postgres', runId });

    // Archived: every collection renamed, none dropped; the comparison reads the archives.
    const names = (await h.mongo.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    for (const c of ALL_COLLECTIONS) {
      expect(names).not.toContain(c);
      expect(names).toContain(done.run.archivedAs![c]);
      const cmp = await compareCollection(h, runId, c, done.run.archivedAs![c]);
      expect(cmp, c).toMatchObject({ lost: [], duplicated: 0, differing: [], unaccounted: [] });
      expect(cmp.rows + cmp.quarantined, c).toBe(cmp.source);
    }
    // After the run, commands are refused with the reason.
    expect((await api(h).post(`/${runId}/pause`)).status).toBe(409);
    expect((await runView(h, runId)).run.phase).toBe('done');
    const badLimit = await api(h).get(`/${runId}?quarantineLimit=lots`);
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.field).toBe('quarantineLimit');
  }, 300_000);
});
