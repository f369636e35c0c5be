// Browser (playwright-core + Debian's chromium, a fresh temporary profile per launch): a user signs up in the real dashboard, creates a bot, watches it reach `running` live, and stops it.
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signUpInBrowser, useBrowserTest } from './browser-support.js';
import { startPlatform } from './platform.js';

const t = useBrowserTest({ start: (origins) => startPlatform({ env: { BOT_DRIVER: 'docker' }, origins }) });

describe('dashboard in a real browser', () => {
  it('signs up, creates a bot and sees it running live', async () => {
    const page = await t.browser.newPage();
    await signUpInBrowser(page, t.dashboard.url, `browser-${Date.now()}@example.com`);
    await expect(page.getByTestId('driver-notice').getAttribute('data-driver')).resolves.toBe('docker');

    await page.getByTestId('new-bot-link').click();
    await page.getByTestId('bot-name').fill('Browser bot');
    await page.getByTestId('bot-pairs').fill('BTCUSDT');
    await page.getByTestId('bot-stake-amount').fill('20');
    await page.getByTestId('bot-create-submit').click();
    await expect(page.getByTestId('error-pairs').textContent()).resolves.toMatch(/BTC\/USDT/);

    await page.getByTestId('bot-pairs').fill('BTC/USDT, ETH/USDT');
    await page.getByTestId('bot-create-submit').click();
    await page.waitForURL(/\/bots\/[0-9a-f-]{36}$/);
    await page.getByTestId('bot-status').and(page.locator('[data-status="running"]')).waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('workflow-link').getAttribute('href')).resolves.toContain('/workflows/bot%3A');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/bot-running.png', fullPage: true });

    await page.getByTestId('bot-stop').click();
    await page.getByTestId('bot-status').and(page.locator('[data-status="stopped"]')).waitFor({ timeout: 30_000 });
    await page.getByTestId('bot-delete').click();
    await page.getByTestId('bot-delete-confirm').click();
    await page.waitForURL(/\/bots$/);
    await page.close();
  }, 180_000);
});
