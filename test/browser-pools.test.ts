// The operator's pools page in Chromium, on real parts (API, Temporal, worker, Docker): builtin bots of two users share a
// pool container whose memory Docker reports; a bad setting is refused next to its field, a good one is saved; the
// pool scales to two containers, a bot moves between them and a drain moves it back. Traders find no such page.
import Docker from 'dockerode';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOperator } from '../db/users.js';
import { poolWorkflowId } from '../domain/workflow-ids.js';
import { openHydrated, signedInContext, useBrowserTest } from './browser-support.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor } from './platform.js';

type Agent = Awaited<ReturnType<typeof signedUpAgent>>;

let operator: Agent;
let poolId: string;

afterAll(async () => {
  if (!poolId) return;
  // The pool's containers outlive its (terminated) scaler: remove them by label. Registered before useBrowserTest, so
  // it runs after the platform has stopped.
  const docker = new Docker();
  for (const c of await docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${poolId}`] } })) {
    await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  }
});

const t = useBrowserTest({
  async start(origins) {
    const platform = await startPlatform({ env: { BOT_DRIVER: 'docker', BOT_PLACEMENT: 'pool' }, origins });
    poolId = platform.config.BOT_POOL_ID;
    return platform;
  },
  async beforeStop(platform) {
    await platform.temporal.workflow.getHandle(poolWorkflowId(poolId)).terminate('test over').catch(() => undefined);
  },
  setupTimeoutMs: 180_000,
});

beforeAll(async () => {
  operator = await signedUpAgent(t.started.app);
  await makeOperator(t.started.db, operator.email);
});

/** A browser context signed in as `who` (its session cookie on the dashboard's origin). */
async function signedIn(who: Agent): Promise<{ context: BrowserContext; page: Page }> {
  const context = await signedInContext(t.browser, t.dashboard.url, who.cookie);
  return { context, page: await context.newPage() };
}

async function runningBot(owner: Agent, name: string): Promise<string> {
  const res = await owner.agent.post('/api/bots').set('Origin', ORIGIN).send({ name, pairs: ['BTC/USDT'], stakeAmount: 10 });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const botId: string = res.body.bot.id;
  await waitFor(`${name} running`, async () => {
    const { body } = await owner.agent.get(`/api/bots/${botId}`);
    if (body.bot.status === 'failed') throw new Error(`${name} failed: ${body.bot.lastError}`);
    return body.bot.status === 'running';
  }, 150_000);
  return botId;
}

const poolNow = async () => (await operator.agent.get(`/api/pools/${poolId}`)).body.pool as {
  settings: Record<string, unknown>;
  containers: { key: string; status: string; bots: { botId: string }[] }[];
};

describe('pools dashboard page', () => {
  it('is closed to a trader: no menu entry, and the 403 of every operator page', async () => {
    const trader = await signedUpAgent(t.started.app);
    const { context, page } = await signedIn(trader);
    await openHydrated(page, `${t.dashboard.url}/bots`);
    expect(await page.getByTestId('nav-pools').count()).toBe(0);
    const pools = await page.goto(`${t.dashboard.url}/operator/pools`);
    expect(pools?.status()).toBe(403);
    expect(await page.getByTestId('error-page').textContent()).toContain('only operators may manage pools');
    const migrations = await page.goto(`${t.dashboard.url}/operator/migrations`);
    expect(migrations?.status()).toBe(403);
    expect(await page.getByTestId('error-page').textContent()).toContain('only operators may run migrations');
    await context.close();
  }, 60_000);

  it('shows pooled bots with their owners and memory, saves settings, scales, moves a bot and drains a container', async () => {
    const [alice, bob] = [await signedUpAgent(t.started.app), await signedUpAgent(t.started.app)];
    const bots = [await runningBot(alice, 'Alice one'), await runningBot(alice, 'Alice two'), await runningBot(bob, 'Bob one')];

    const { context, page } = await signedIn(operator);
    await openHydrated(page, `${t.dashboard.url}/bots`);
    await page.getByTestId('nav-pools').click();
    await page.waitForURL(/\/operator\/pools$/);
    const pool = page.locator(`[data-testid="pool"][data-pool-id="${poolId}"]`);
    const first = pool.getByTestId('pool-container').first();
    await expect(first.getByTestId('container-bot-count').textContent()).resolves.toBe('3');
    const rows = first.getByTestId('pool-bot');
    expect(await rows.getByTestId('pool-bot-name').allTextContents()).toEqual(['Alice one', 'Alice two', 'Bob one']);
    expect(await rows.getByTestId('pool-bot-owner').allTextContents()).toEqual([alice.email, alice.email, bob.email]);
    // Docker's figures arrive with the scaler's next reconcile (every 10 s); the stream brings them in.
    await first.getByTestId('container-memory').filter({ hasText: /^\d+\.\d MiB \/ 512\.0 MiB$/ }).waitFor({ timeout: 30_000 });
    const firstKey = await first.getAttribute('data-key');

    // A value the dashboard can tell is wrong, then one only the pool refuses: each shows under its field.
    const settings = pool.getByTestId('pool-settings');
    await settings.getByTestId('setting-headroom').fill('two');
    await settings.getByTestId('settings-save').click();
    await expect(settings.getByTestId('error-headroom').textContent()).resolves.toBe('must be a whole number');
    await settings.getByTestId('setting-headroom').fill('2');
    await settings.getByTestId('setting-containerMemoryMb').fill('64');
    await settings.getByTestId('settings-save').click();
    await expect(settings.getByTestId('error-containerMemoryMb').textContent()).resolves.toBe('must be between 96 and 16384');
    expect(await settings.getByTestId('error-headroom').count()).toBe(0);
    expect((await poolNow()).settings).toMatchObject({ headroom: 5, containerMemoryMb: 512 });

    await settings.getByTestId('setting-containerMemoryMb').fill('512');
    await settings.getByTestId('settings-save').click();
    await settings.getByTestId('settings-saved').waitFor();
    expect((await poolNow()).settings).toMatchObject({ headroom: 2, containerMemoryMb: 512 });
    expect(await settings.getByTestId('setting-headroom').inputValue()).toBe('2');

    // Scale to two containers, move one bot into the new one, then drain it: the bot goes back.
    await pool.getByTestId('scale-containers').fill('2');
    await pool.getByTestId('scale-submit').click();
    // The scale says what else it changed: the pool's floor.
    await expect(pool.getByTestId('scale-outcome').textContent({ timeout: 60_000 })).resolves.toContain('“Containers, at least” is now 2');
    const added = pool.locator('[data-testid="pool-container"][data-status="ready"]').nth(1);
    await added.waitFor({ timeout: 60_000 });
    const secondKey = (await added.getAttribute('data-key'))!;
    expect(secondKey).not.toBe(firstKey);
    const second = pool.locator(`[data-testid="pool-container"][data-key="${secondKey}"]`);

    const bobRow = first.locator(`[data-testid="pool-bot"][data-bot-id="${bots[2]}"]`);
    await bobRow.getByTestId('move-target').selectOption(secondKey);
    await bobRow.getByTestId('move-submit').click();
    await second.locator(`[data-testid="pool-bot"][data-bot-id="${bots[2]}"]`).waitFor({ timeout: 60_000 });
    await expect(first.getByTestId('container-bot-count').textContent()).resolves.toBe('2');
    expect((await poolNow()).containers.find((c) => c.key === secondKey)?.bots.map((b) => b.botId)).toEqual([bots[2]]);

    await second.getByTestId('container-drain').click();
    await second.getByTestId('container-drain-dialog').waitFor();
    await second.getByTestId('container-drain-confirm').click();
    await first.locator(`[data-testid="pool-bot"][data-bot-id="${bots[2]}"]`).waitFor({ timeout: 60_000 });
    await expect(first.getByTestId('container-bot-count').textContent()).resolves.toBe('3');
    await waitFor('the drained container empty', async () => {
      const drained = (await poolNow()).containers.find((c) => c.key === secondKey);
      return !drained || drained.bots.length === 0;
    });
    // The moved bot kept running through both moves.
    expect((await bob.agent.get(`/api/bots/${bots[2]}`)).body.bot.status).toBe('running');
    await context.close();
  }, 400_000);
});
