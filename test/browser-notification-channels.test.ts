// The Settings page's notification channels in Chromium: a webhook without a secret is refused under the secret's
// field, then webhook and Telegram are saved; the page shows that secrets are set but never shows them.
import { describe, expect, it } from 'vitest';
import { openHydrated, signedInContext, useBrowserTest } from './browser-support.js';
import { signedUpAgent, startPlatform } from './platform.js';

const t = useBrowserTest({ start: (origins) => startPlatform({ worker: false, origins }) });

describe('Settings: notification channels', () => {
  it('refuses a webhook without a secret naming the field, saves webhook and Telegram, and never shows a secret again', async () => {
    const user = await signedUpAgent(t.started.app);
    const context = await signedInContext(t.browser, t.dashboard.url, user.cookie);
    const page = await context.newPage();
    const secret = 'whsec-browser-0123456789';
    const token = '987654321:AAF-browser-test-token-xyz';
    try {
      await openHydrated(page, `${t.dashboard.url}/settings`);
      await page.getByTestId('webhook-url').fill('https://example.com/tradefleet-hook');
      await page.getByTestId('channels-submit').click();
      await expect.poll(() => page.getByTestId('error-webhookSecret').textContent(), { timeout: 30_000 }).toMatch(/needs a secret/);
      expect(await page.getByTestId('webhook-url').inputValue()).toBe('https://example.com/tradefleet-hook');

      await page.getByTestId('webhook-secret').fill(secret);
      await page.getByTestId('telegram-chat').fill('4242');
      await page.getByTestId('telegram-token').fill(token);
      await page.getByTestId('channels-submit').click();
      await page.getByTestId('channels-saved').waitFor({ timeout: 30_000 });

      await page.reload();
      expect(await page.getByTestId('webhook-url').inputValue()).toBe('https://example.com/tradefleet-hook');
      expect(await page.getByTestId('telegram-chat').inputValue()).toBe('4242');
      expect(await page.getByTestId('webhook-secret').inputValue()).toBe('');
      const html = await page.content();
      expect(html).toContain('A secret is saved.');
      expect(html).toContain('A token is saved.');
      expect(html).not.toContain(secret);
      expect(html).not.toContain(token);
      expect((await user.agent.get('/api/notifications/channels')).body.channels).toEqual({
        webhookUrl: 'https://example.com/tradefleet-hook', webhookSecretSet: true, telegramChatId: '4242', telegramTokenSet: true,
      });
    } finally {
      await context.close();
    }
  }, 120_000);
});
