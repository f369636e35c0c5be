// Browser, strategies (playwright-core + Debian's chromium), at 1400 and 390 px: a strategy's name leads to its page,
// which shows its content and the user's bot that runs it; "Copy as a new version" opens the upload form with that
// content, and the changed copy is saved as a second version of the same name; the upload form links the JSON Schema.
import { describe, expect, it } from 'vitest';
import { openHydrated, signedInContext, useBrowserTest } from './browser-support.js';
import { ORIGIN, signedUpAgent, startPlatform } from './platform.js';
import { holdStrategy } from './held-bot.js';

const SIZES = [
  { width: 1400, height: 1000 },
  { width: 390, height: 844 },
] as const;

const bots: Array<{ agent: Awaited<ReturnType<typeof signedUpAgent>>['agent']; id: string }> = [];
const t = useBrowserTest({
  start: (origins) => startPlatform({ env: { BOT_DRIVER: 'process' }, origins }),
  async beforeStop() {
    for (const b of bots) await b.agent.delete(`/api/bots/${b.id}`).set('Origin', ORIGIN).catch(() => undefined);
  },
});

describe('strategies in a real browser', () => {
  for (const size of SIZES) {
    it(`at ${size.width} px: a strategy's page, its bots, and a copy saved as a new version`, async () => {
      const user = await signedUpAgent(t.started.app);
      const strategy = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ content: holdStrategy, note: 'first' });
      expect(strategy.status, JSON.stringify(strategy.body)).toBe(201);
      const id: string = strategy.body.strategy.id;
      const bot = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'Runs Hold', pairs: ['BTC/USDT'], stakeAmount: 20, strategyVersionId: id });
      expect(bot.status, JSON.stringify(bot.body)).toBe(201);
      bots.push({ agent: user.agent, id: bot.body.bot.id });

      const context = await signedInContext(t.browser, t.dashboard.url, user.cookie, { viewport: size });
      const page = await context.newPage();
      await openHydrated(page, `${t.dashboard.url}/strategies`);
      // The upload form links the builtin JSON Schema, served through the dashboard's origin.
      const schemaHref = await page.getByTestId('strategy-schema-link').getAttribute('href');
      const schema = await page.request.get(new URL(schemaHref!, t.dashboard.url).href);
      expect(schema.status()).toBe(200);
      await expect(schema.json()).resolves.toMatchObject({ $id: schemaHref, title: 'tradefleet builtin strategy' });
      await page.locator(`[data-testid="strategy-row"][data-strategy-id="${id}"]`).getByTestId('strategy-link').click();
      await page.waitForURL(new RegExp(`/strategies/${id}$`));
      await expect(page.getByTestId('strategy-heading').textContent()).resolves.toBe('Hold');
      await expect(page.getByTestId('strategy-bots').textContent()).resolves.toContain('Runs Hold');
      await expect(page.getByTestId('strategy-content-view').textContent()).resolves.toContain('"stoploss": -0.9');
      expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);

      await page.getByTestId('strategy-copy').click();
      await page.waitForURL(/\/strategies\?from=/);
      await page.waitForSelector('html[data-hydrated="true"]');
      await expect(page.getByTestId('strategy-engine').inputValue()).resolves.toBe('builtin');
      const copied = await page.getByTestId('strategy-content').inputValue();
      expect(JSON.parse(copied)).toMatchObject({ name: 'Hold', stoploss: -0.9 });
      await page.getByTestId('strategy-content').fill(copied.replace('-0.9', '-0.5'));
      await page.getByTestId('strategy-note').fill('tighter stoploss');
      await page.getByTestId('strategy-upload-submit').click();
      await page.getByTestId('strategy-uploaded').waitFor({ timeout: 30_000 });

      await openHydrated(page, `${t.dashboard.url}/strategies/${id}`);
      await expect(page.getByTestId('strategy-versions').locator('tbody tr').count()).resolves.toBe(2);
      await context.close();
    }, 120_000);
  }
});
