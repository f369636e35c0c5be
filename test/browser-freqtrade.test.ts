// Browser: a broken FreqTrade strategy is refused on the Strategies page with FreqTrade's reason; a FreqTrade bot made
// with the create form's engine picker runs, and its page shows the balance and trades read from the bot's own API.
import { describe, expect, it } from 'vitest';
import { openHydrated, signUpInBrowser, useBrowserTest } from './browser-support.js';
import { startPlatform } from './platform.js';

const t = useBrowserTest({ start: (origins) => startPlatform({ env: { BOT_DRIVER: 'docker' }, origins }) });

describe('FreqTrade in the dashboard', () => {
  it('refuses a broken strategy upload with the reason, then runs a FreqTrade bot and shows its balance', async () => {
    const page = await t.browser.newPage();
    await signUpInBrowser(page, t.dashboard.url, `browser-ft-${Date.now()}@example.com`);

    await page.getByTestId('nav-strategies').click();
    await page.waitForURL(/\/strategies$/);
    await expect(page.getByTestId('strategy-row').filter({ hasText: 'TfDipBuyer' }).count()).resolves.toBe(1);
    const rows = await page.getByTestId('strategy-row').count();
    await page.getByTestId('strategy-engine').selectOption('freqtrade');
    await page.getByTestId('strategy-content').fill('from freqtrade.strategy import IStrategy\nclass Broken(IStrategy)\n    timeframe = "5m"\n');
    await page.getByTestId('strategy-upload-submit').click();
    await expect(page.getByTestId('error-content').textContent({ timeout: 90_000 })).resolves.toMatch(/SyntaxError: .*\(line 2\)/);
    await expect(page.getByTestId('strategy-row').count()).resolves.toBe(rows);

    await openHydrated(page, `${t.dashboard.url}/bots/new`);
    await page.getByTestId('bot-engine').selectOption('freqtrade');
    // The engine's strategies, and the default option naming the one a bot without a choice really runs.
    await expect(page.getByTestId('bot-strategy').locator('optgroup option', { hasText: 'TfDipBuyer' }).count()).resolves.toBe(1);
    await expect(page.getByTestId('bot-strategy').locator('option', { hasText: 'RSI mean reversion' }).count()).resolves.toBe(0);
    await expect(page.getByTestId('bot-strategy-default').textContent()).resolves.toContain('TfDipBuyer');
    await page.getByTestId('bot-name').fill('Browser FreqTrade');
    await page.getByTestId('bot-pairs').fill('BTC/USDT');
    await page.getByTestId('bot-stake-amount').fill('20');
    await page.getByTestId('bot-create-submit').click();
    await page.waitForURL(/\/bots\/[0-9a-f-]{36}$/);
    await page.getByTestId('bot-status').and(page.locator('[data-status="running"]')).waitFor({ timeout: 180_000 });
    await expect(page.getByTestId('bot-balance').textContent({ timeout: 30_000 })).resolves.toMatch(/20(\.00)?\s*USDT|USDT\s*20/);
    await expect(page.getByTestId('bot-strategy').textContent()).resolves.toBe('TfDipBuyer');

    await page.getByTestId('bot-delete').click();
    await page.getByTestId('bot-delete-confirm').click();
    await page.waitForURL(/\/bots$/, { timeout: 60_000 });
    await page.close();
  }, 300_000);
});
