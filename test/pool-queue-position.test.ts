// A pooled bot waiting for its place says where it is in the pool's queue: `GET /api/bots/:id` answers
// `placement.queuePosition` (1-based, in the order the pool will place them) while the bot is provisioning, and null once
// it is placed. The queue is made to wait deterministically: the pool's state write is held behind a lock on its row, so the
// batch in hand cannot finish and later requests queue up behind it.
import Docker from 'dockerode';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePool } from '../worker/docker-host.js';
import { placementRequested } from './provision-phases.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

const docker = new Docker();
let platform: TestPlatform;
let locker: pg.Client | null = null;

beforeAll(async () => {
  platform = await startPlatform({ env: { BOT_DRIVER: 'docker', BOT_PLACEMENT: 'pool' } });
  await ensurePool(platform.temporal, platform.config);
}, 120_000);

afterAll(async () => {
  // The worker first: a scaler still running would try to write the bot lists of containers removed under it.
  await platform?.stopWorker();
  await locker?.end().catch(() => undefined);
  for (const c of await docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${platform.config.BOT_POOL_ID}`] } }).catch(() => [])) {
    await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  }
  await platform?.stop();
}, 120_000);

describe('the pool queue position of a provisioning bot', () => {
  it('is 1, 2 for the bots queued behind a batch the pool cannot finish, null for the one in hand, and null once placed', async () => {
    const user = await signedUpAgent(platform.app);
    const view = async (id: string) => (await user.agent.get(`/api/bots/${id}`)).body as { bot: { status: string }; placement: { queuePosition: number | null } };
    const create = async (name: string) => {
      const res = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name, pairs: ['BTC/USDT'], stakeAmount: 10 });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.bot.id as string;
    };
    locker = new pg.Client({ connectionString: platform.config.DATABASE_URL });
    await locker.connect();
    // The pool is up (its row and a ready container), so nothing but placement is left to write.
    await waitFor('the pool ready', async () =>
      (await locker!.query(`select 1 from pool_containers where pool_id = $1 and status = 'ready'`, [platform.config.BOT_POOL_ID])).rowCount, 90_000);
    await locker.query('begin');
    // The pool's row only (`no key update`): its state write waits, bots that reference it are still written.
    await locker.query('select 1 from pools where id = $1 for no key update', [platform.config.BOT_POOL_ID]);

    const inHand = await create('first');
    await waitFor('the first request taken', () => placementRequested(platform.temporal, inHand), 60_000);
    await waitFor('the pool blocked on its state write', async () => {
      // Inside a transaction the statistics views answer from one snapshot unless it is cleared.
      await locker!.query('select pg_stat_clear_snapshot()');
      return (await locker!.query(`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%insert into pools%'`)).rowCount;
    }, 60_000);
    const second = await create('second');
    await waitFor('the second bot queued first', async () => (await view(second)).placement.queuePosition === 1, 60_000);
    const third = await create('third');
    await waitFor('the third bot queued second', async () => (await view(third)).placement.queuePosition === 2, 60_000);
    expect((await view(second)).placement.queuePosition).toBe(1);
    expect(await view(inHand)).toMatchObject({ bot: { status: 'provisioning' }, placement: { queuePosition: null } });

    await locker.query('rollback');
    for (const id of [inHand, second, third]) {
      await waitFor(`bot ${id} running`, async () => (await view(id)).bot.status === 'running', 120_000);
      expect((await view(id)).placement.queuePosition).toBeNull();
    }
  }, 360_000);
});
