// The Temporal Web UI (the real one, in Chromium), started the way `npm start` starts it: an operator signed in to the
// dashboard follows a bot page's link and reads the bot workflow's decoded input, with no setting changed in the UI
// and no "Codec Server could not connect" banner; a signed-in user who is not an operator gets nothing decoded.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOperator } from '../db/users.js';
import { startTestExchange } from '../exchange/test-support.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { freePort } from '../scripts/services/ports.js';
import { startTemporal } from '../scripts/services/temporal.js';
import { openHydrated, signUpInBrowser, useBrowserTest } from './browser-support.js';
import { startPlatform, waitFor } from './platform.js';

const BANNER = 'Codec Server could not connect';

let ex: PaperExchangeHandle;
beforeAll(async () => {
  ex = await startTestExchange();
});
afterAll(async () => {
  await ex?.close();
});

const created: Array<{ botId: string; cookie: string }> = [];

const t = useBrowserTest({
  async start(origins, api) {
    // A Temporal server of its own (the run's shared one has no Web UI), with the codec endpoint npm start gives it.
    // Ports other than the API's, which is chosen but not yet listened on.
    const taken = new Set([Number(new URL(api.url).port)]);
    while (taken.size < 3) taken.add(await freePort());
    const [, port, uiPort] = [...taken] as [number, number, number];
    const temporal = await startTemporal({ cli: process.env.TEMPORAL_CLI, port, uiPort, codecEndpoint: `${api.url}/api/codec` });
    try {
      const platform = await startPlatform({
        env: { PAPER_EXCHANGE_URL: ex.url, BOT_DRIVER: 'process', TEMPORAL_ADDRESS: temporal.address, TEMPORAL_UI_URL: temporal.uiUrl!, TF_DATA_DIR: '.data/test-browser-codec' },
        origins,
      });
      return {
        platform,
        stop: async () => {
          await platform.stop();
          await temporal.stop();
        },
      };
    } catch (error) {
      await temporal.stop();
      throw error;
    }
  },
  async beforeStop() {
    for (const { botId, cookie } of created) {
      const res = await fetch(`${t.dashboard.apiUrl}/api/bots/${botId}`, { method: 'DELETE', headers: { cookie, origin: t.dashboard.url } });
      expect(res.status, `deleting bot ${botId}`).toBe(200);
    }
  },
  setupTimeoutMs: 180_000,
});

/** A new user signed up (and so signed in) through the dashboard's form; their session cookie for API calls. */
async function signedUpInDashboard(email: string): Promise<{ context: BrowserContext; page: Page; cookie: string }> {
  const context = await t.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await signUpInBrowser(page, t.dashboard.url, email);
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  return { context, page, cookie };
}

/** Creates a bot through the API as the page's user; its id and the user's id. */
async function createBot(cookie: string, name: string): Promise<{ botId: string; userId: string }> {
  const headers = { cookie, origin: t.dashboard.url, 'content-type': 'application/json' };
  const res = await fetch(`${t.dashboard.apiUrl}/api/bots`, { method: 'POST', headers, body: JSON.stringify({ name, pairs: ['BTC/USDT'], stakeAmount: 25 }) });
  expect(res.status).toBe(201);
  const botId: string = ((await res.json()) as { bot: { id: string } }).bot.id;
  created.push({ botId, cookie });
  const me = (await (await fetch(`${t.dashboard.apiUrl}/api/auth/me`, { headers: { cookie } })).json()) as { user: { id: string } };
  return { botId, userId: me.user.id };
}

/** The bot workflow's input as the UI shows it decoded. */
const decodedInput = (bot: { userId: string }) => new RegExp(`"userId":\\s*"${bot.userId}"`);

/** Follows the bot page's "Temporal UI" link in the same browser; the codec's answers as the UI gets them. */
async function openWorkflowFromBotPage(page: Page, botId: string): Promise<{ ui: Page; codecAnswers: number[] }> {
  await openHydrated(page, `${t.dashboard.url}/bots/${botId}`);
  const link = page.getByTestId('workflow-link');
  await waitFor('the bot page links its run', async () => /\/history$/.test((await link.getAttribute('href')) ?? '') || (await page.reload(), false), 30_000);
  const codecAnswers: number[] = [];
  page.context().on('response', (r) => r.url().startsWith(`${t.dashboard.apiUrl}/api/codec/`) && r.request().method() === 'POST' && codecAnswers.push(r.status()));
  const [ui] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
  return { ui, codecAnswers };
}

describe('Temporal Web UI with the codec server', () => {
  it("shows a signed-in operator a bot workflow's decoded input, and a user who is not an operator nothing", async () => {
    const operatorEmail = `codec-operator-${Date.now()}@example.com`;
    const operator = await signedUpInDashboard(operatorEmail);
    await makeOperator(t.started.platform.db, operatorEmail);
    const bot = await createBot(operator.cookie, 'Seen through the codec');

    const seen = await openWorkflowFromBotPage(operator.page, bot.botId);
    expect(seen.ui.url()).toContain(encodeURIComponent(`bot:${bot.botId}`));
    // The input {botId, userId} as JSON (the ids alone also appear undecoded: workflow id, search attributes).
    await seen.ui.getByText(decodedInput(bot)).first().waitFor({ timeout: 30_000 });
    expect(seen.codecAnswers.length).toBeGreaterThan(0);
    expect(seen.codecAnswers.every((s) => s === 200)).toBe(true);
    expect(await seen.ui.locator('body').innerText()).not.toContain(BANNER);
    await operator.context.close();

    const user = await signedUpInDashboard(`codec-user-${Date.now()}@example.com`);
    const own = await createBot(user.cookie, 'Not for the codec');
    const refused = await openWorkflowFromBotPage(user.page, own.botId);
    await expect.poll(() => refused.codecAnswers, { timeout: 30_000 }).toContain(403);
    const text = await refused.ui.locator('body').innerText();
    expect(text).not.toMatch(decodedInput(own));
    expect(text).not.toContain('Not for the codec');
    await user.context.close();
  }, 180_000);
});
