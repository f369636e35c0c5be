// Browser, a running bot's traded pairs edited on its page (issue 19) in Debian's Chromium, at a phone's 390 px: a pair
// the exchange does not list is refused naming it and the bot keeps its list; a pair taken out and one added, saved, and
// the bot (a local-process bot with its real workflow) trades the new list, which the page then shows as its whitelist.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHydrated, signedInContext, useBrowserTest } from './browser-support.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor } from './platform.js';

let user: Awaited<ReturnType<typeof signedUpAgent>>;
let botId: string | undefined;

const t = useBrowserTest({
  start: (origins) => startPlatform({ env: { BOT_DRIVER: 'process' }, origins }),
  async beforeStop() {
    if (botId) await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN).catch(() => undefined);
  },
  setupTimeoutMs: 180_000,
});

const whitelist = async () => ((await user.agent.get(`/api/bots/${botId}/pairlists`)).body.pairlists?.whitelist ?? []) as string[];
const fitsWidth = async (page: Page) => expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);

describe("a bot's traded pairs edited in a real browser", () => {
  let page: Page;

  beforeAll(async () => {
    user = await signedUpAgent(t.started.app);
    const created = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'Pairs on a phone', pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 20 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    botId = created.body.bot.id as string;
    await waitFor('the bot running', async () => (await user.agent.get(`/api/bots/${botId}`)).body.bot.status === 'running', 120_000);
    const context = await signedInContext(t.browser, t.dashboard.url, user.cookie, { viewport: { width: 390, height: 844 } });
    page = await context.newPage();
    await openHydrated(page, `${t.dashboard.url}/bots/${botId}`);
  }, 180_000);

  afterAll(async () => {
    await page?.context().close();
  });

  it('refuses a pair the exchange does not list, then trades the list saved on the page', async () => {
    const editor = page.getByTestId('bot-whitelist-editor');
    await editor.waitFor({ timeout: 30_000 });
    await editor.locator('li[data-pair="ETH/USDT"]').getByTestId('bot-pairs-remove').click();
    await page.getByTestId('bot-pairs-input').fill('sol');
    await page.getByTestId('bot-pairs-add').click();
    await page.getByTestId('bot-pairs-input').fill('NOPE/USDT');
    await page.getByTestId('bot-pairs-add').click();
    await expect(page.getByTestId('bot-pairs-draft').textContent()).resolves.toMatch(/BTC\/USDT.*SOL\/USDT.*NOPE\/USDT/s);
    await page.getByTestId('bot-pairs-save').click();
    const refused = page.getByTestId('bot-pairs-error');
    await refused.waitFor({ timeout: 60_000 });
    await expect(refused.textContent()).resolves.toContain('NOPE/USDT is not listed');
    expect(await whitelist()).toEqual(['BTC/USDT', 'ETH/USDT']);

    await editor.locator('li[data-pair="NOPE/USDT"]').getByTestId('bot-pairs-remove').click();
    await page.getByTestId('bot-pairs-save').click();
    const saved = page.getByTestId('bot-pairs-saved');
    await saved.waitFor({ timeout: 120_000 });
    await expect(saved.textContent()).resolves.toBe('Trading BTC/USDT, SOL/USDT now.');
    expect(await whitelist()).toEqual(['BTC/USDT', 'SOL/USDT']);
    // The pair lists card reads the bot's whitelist again (every 10 s) and the bot's facts come live from its row.
    await waitFor('the whitelist on the page', async () => (await page.getByTestId('bot-whitelist').textContent()) === 'BTC/USDT, SOL/USDT', 30_000);
    await fitsWidth(page);
  }, 240_000);
});
