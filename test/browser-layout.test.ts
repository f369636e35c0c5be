// Browser, layout: every dashboard page at a phone's 390×844 and a desktop's 1400×1000 fits the window (no sideways
// page scroll), and every navigation link can be reached and followed (through the menu button on the phone).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOperator } from '../db/users.js';
import { guardWatchWorkflowId } from '../domain/workflow-ids.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { adminFetch, startTestExchange } from '../exchange/test-support.js';
import { openHydrated, signedInContext, useBrowserTest } from './browser-support.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor } from './platform.js';

type Agent = Awaited<ReturnType<typeof signedUpAgent>>;

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1400, height: 1000 },
] as const;

let ex: PaperExchangeHandle;
let operator: Agent;
const made = { botId: '', accountId: '', guardId: '' };

beforeAll(async () => {
  ex = await startTestExchange();
});
afterAll(async () => {
  await ex?.close();
});

const t = useBrowserTest({
  start: (origins) => startPlatform({ env: { PAPER_EXCHANGE_URL: ex.url, TF_DATA_DIR: '.data/test-browser-layout' }, origins }),
  async beforeStop(platform) {
    if (made.guardId) await operator.agent.delete(`/api/guards/${made.guardId}`).set('Origin', ORIGIN).catch(() => undefined);
    if (made.botId) await operator.agent.delete(`/api/bots/${made.botId}`).set('Origin', ORIGIN).catch(() => undefined);
    if (made.accountId) {
      await waitFor('the account free of its bot', async () => {
        const res = await operator.agent.delete(`/api/exchange-accounts/${made.accountId}`).set('Origin', ORIGIN);
        return res.status === 204 || res.status === 404;
      }, 60_000).catch(() => undefined);
    }
    await platform.temporal.workflow.getHandle(guardWatchWorkflowId('paper', platform.config.TEMPORAL_TASK_QUEUE)).cancel().catch(() => undefined);
  },
  setupTimeoutMs: 180_000,
});

beforeAll(async () => {
  operator = await signedUpAgent(t.started.app);
  await makeOperator(t.started.db, operator.email);
  const paper = await adminFetch(ex, 'POST', '/accounts', { label: 'layout wallet', balances: { USDT: '23041.34', BTC: '0.1002' } });
  expect(paper.status, JSON.stringify(paper.body)).toBe(201);
  const { apiKey, secret } = paper.body as { apiKey: string; secret: string };
  const account = await operator.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
    .send({ exchangeId: 'paper', label: 'A wallet with a rather long label for a phone', apiKey, secret, syncIntervalSeconds: 300 });
  expect(account.status, JSON.stringify(account.body)).toBe(201);
  made.accountId = account.body.account.id;
  const guard = await operator.agent.post('/api/guards').set('Origin', ORIGIN)
    .send({ target: { kind: 'wallet', exchangeAccountId: made.accountId, symbol: 'BTC/USDT', amount: 0.05 }, trail: { trailPct: 5 } });
  expect(guard.status, JSON.stringify(guard.body)).toBe(201);
  made.guardId = guard.body.guard.id;
  const bot = await operator.agent.post('/api/bots').set('Origin', ORIGIN)
    .send({ name: 'A bot with a long name to wrap', pairs: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], stakeAmount: 20 });
  expect(bot.status, JSON.stringify(bot.body)).toBe(201);
  made.botId = bot.body.bot.id;
  await waitFor('the bot running', async () => (await operator.agent.get(`/api/bots/${made.botId}`)).body.bot.status === 'running', 150_000);
}, 240_000);

/** How much wider than the window the page is, in CSS pixels (0 when it fits). */
const overflow = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');

/** The widest elements sticking out of the window, to say what to fix when a page does not fit. */
const culprits = (page: Page) =>
  page.evaluate<string[]>(`[...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 6)
    .map((el) => el.tagName.toLowerCase() + '.' + String(el.className).split(' ')[0] + ' right=' + Math.round(el.getBoundingClientRect().right))`);

describe('dashboard layout at phone and desktop widths', () => {
  for (const size of SIZES) {
    it(`fits every page into ${size.width} px and keeps the navigation reachable`, async () => {
      const pages = [
        '/bots', '/bots/new', `/bots/${made.botId}`, '/fleet', '/strategies', '/portfolio', '/guards', '/guards/new', '/guards/risk/new',
        `/guards/${made.guardId}`, '/accounts', `/accounts/${made.accountId}`, '/operator/migrations', '/operator/pools', '/settings', '/help',
        '/help/api',
      ];
      const viewport = { width: size.width, height: size.height };
      const context = await signedInContext(t.browser, t.dashboard.url, operator.cookie, { viewport });
      const page = await context.newPage();
      await expect(page.evaluate<number>('window.innerWidth')).resolves.toBe(size.width);
      const tooWide: string[] = [];
      for (const path of pages) {
        await openHydrated(page, `${t.dashboard.url}${path}`);
        const extra = await overflow(page);
        if (extra > 0) tooWide.push(`${path} is ${extra} px too wide: ${(await culprits(page)).join(', ')}`);
      }
      expect(tooWide).toEqual([]);

      // Every section is one tap (phone: two) away, and the link lands on its page.
      const links = ['bots', 'fleet', 'strategies', 'portfolio', 'guards', 'accounts', 'migrations', 'pools', 'help', 'settings'];
      for (const link of links) {
        const menu = page.getByTestId('nav-menu');
        const target = page.getByTestId(`nav-${link}`);
        if (size.width < 600) {
          await expect(target.isVisible()).resolves.toBe(false);
          await menu.click();
        } else {
          await expect(menu.isVisible()).resolves.toBe(false);
        }
        const box = await target.boundingBox();
        expect(box, `nav-${link} has no box`).not.toBeNull();
        expect(box!.x + box!.width, `nav-${link} off-screen`).toBeLessThanOrEqual(size.width);
        await target.click();
        await page.waitForURL(new RegExp(`/${link === 'migrations' || link === 'pools' ? `operator/${link}` : link}$`));
      }
      if (size.width < 600) await page.getByTestId('nav-menu').click();
      await expect(page.getByTestId('signout-button').isVisible()).resolves.toBe(true);
      await context.close();

      // Signed out: the sign-in and sign-up pages fit too.
      const guest = await t.browser.newPage({ viewport: { width: size.width, height: size.height } });
      for (const path of ['/signin', '/signup', '/help', '/help/bots']) {
        await openHydrated(guest, `${t.dashboard.url}${path}`);
        expect(await overflow(guest), `${path} too wide`).toBeLessThanOrEqual(0);
      }
      await guest.close();
    }, 180_000);
  }
});
