// One truth for a pooled bot's state, against the real PostgreSQL: status, place and attach flag change in one write,
// and no write (ours or a stray one) can leave a bot `running` without a place, or stopped/failed yet attached.
import { randomUUID } from 'node:crypto';
import { CheckIntegrityConstraintViolationError } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBotInput } from '../domain/bot.js';
import { findBot, NotPlacedError, setBotReachable, setBotStatus } from './bots.js';
import { findBotPlacement, savePoolState, setPoolAttached, setPoolAttachedMany } from './pools.js';
import { createDb, sql, type Db } from './pool.js';
import { insertUser } from './users.js';
import { insertBotOnFreePort } from '../test/bot-rows.js';

let db: Db;
beforeAll(async () => {
  db = await createDb(process.env.DATABASE_URL!);
});
afterAll(async () => db?.end());

const poolId = `truth-${randomUUID().slice(0, 8)}`;
const settings = { minContainers: 0, maxContainers: 2, headroom: 0, containerMemoryMb: 512, hosts: ['local'] } as never;

/** A pooled bot placed in container `c1` of the test pool (attached or not). */
async function pooledBot(attached: boolean) {
  const user = await insertUser(db, null, { id: randomUUID(), email: `${randomUUID()}@example.com`, passwordHash: 'x' });
  const spec = CreateBotInput.parse({ name: 'Truth', pairs: ['BTC/USDT'], stakeAmount: 10 });
  const bot = await insertBotOnFreePort(db, { id: randomUUID(), userId: user.id, spec, driver: 'docker', sealedCredentials: 'x', placement: 'pool' });
  const containers = [{ key: `${poolId}-c1`, host: 'local', status: 'ready' as const, bots: { [bot.id]: 64 }, liveMb: null, removableCycles: 0 }];
  await savePoolState(db, 'truth-queue', { poolId, settings, seq: 1, containers });
  if (attached) await setPoolAttached(db, bot.id, true);
  return bot;
}

describe('a pooled bot has one state', () => {
  it('is running only while attached to a container; a refused write changes nothing', async () => {
    const detached = await pooledBot(false);
    await expect(setBotStatus(db, null, detached.id, 'running')).rejects.toBeInstanceOf(NotPlacedError);
    expect((await findBot(db, detached.id))?.status).toBe('provisioning');
    // Not even a stray statement can make the combination.
    await expect(db.query(sql.typeAlias('void')`update bots set status = 'running' where id = ${detached.id}`)).rejects.toBeInstanceOf(CheckIntegrityConstraintViolationError);

    const attached = await pooledBot(true);
    expect((await setBotStatus(db, null, attached.id, 'running'))?.status).toBe('running');
  });

  it('detaches in the same write that stops or fails it, and a late placement does not attach it again', async () => {
    const bot = await pooledBot(true);
    await setBotStatus(db, null, bot.id, 'failed', { lastError: 'provisioning failed' });
    expect((await findBotPlacement(db, bot.id))?.attached).toBe(false);
    expect(await setPoolAttachedMany(db, [{ botId: bot.id, attached: true }])).toEqual({});
    expect(await setPoolAttached(db, bot.id, true)).toBe(false);
    expect((await findBotPlacement(db, bot.id))?.attached).toBe(false);
  });

  it('a running bot that loses its attach flag or its place stops being running in the same write', async () => {
    const detachedByFlag = await pooledBot(true);
    await setBotStatus(db, null, detachedByFlag.id, 'running');
    await setPoolAttachedMany(db, [{ botId: detachedByFlag.id, attached: false }]);
    expect((await findBot(db, detachedByFlag.id))?.status).toBe('stopped');

    const lost = await pooledBot(true);
    await setBotStatus(db, null, lost.id, 'running');
    await savePoolState(db, 'truth-queue', { poolId, settings, seq: 1, containers: [] }); // the scaler no longer places it
    const after = await findBot(db, lost.id);
    expect(after).toMatchObject({ status: 'starting', poolContainerKey: null });
    expect(after?.lastError).toMatch(/lost its place/);
  });

  it('records since when the API has not answered, and forgets it once it answers or its status changes', async () => {
    const bot = await pooledBot(true);
    expect(await setBotReachable(db, bot.id, false)).toBeNull(); // only a running bot is watched
    await setBotStatus(db, null, bot.id, 'running');
    const since = await setBotReachable(db, bot.id, false);
    expect(since).not.toBeNull();
    expect(await setBotReachable(db, bot.id, false)).toBe(since); // the first miss is kept
    expect((await findBot(db, bot.id))?.unreachableSince).toBe(since);
    expect(await setBotReachable(db, bot.id, true)).toBeNull();
    await setBotReachable(db, bot.id, false);
    expect((await setBotStatus(db, null, bot.id, 'running'))?.unreachableSince).toBeNull();
  });
});
