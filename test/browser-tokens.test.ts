// The dashboard's Tokens page in Chromium: create a token with chosen scopes (its secret shown once), see its last use,
// and revoke it; the secret then no longer opens the API.
import { describe, expect, it } from 'vitest';
import { openHydrated, signedInContext, useBrowserTest } from './browser-support.js';
import { signedUpAgent, startPlatform } from './platform.js';

const t = useBrowserTest({ start: (origins) => startPlatform({ worker: false, origins }) });

describe('Tokens page', () => {
  it('creates a read token shown once, shows its last use, and revokes it', async () => {
    const user = await signedUpAgent(t.started.app);
    const context = await signedInContext(t.browser, t.dashboard.url, user.cookie);
    const page = await context.newPage();
    try {
      await openHydrated(page, `${t.dashboard.url}/bots`);
      await page.getByTestId('nav-tokens').click();
      await page.waitForURL(/\/tokens$/);
      await page.getByTestId('token-name').fill('nightly report');
      await page.getByTestId('token-days').fill('30');
      await page.getByTestId('token-create-submit').click();
      const secret = (await page.getByTestId('token-secret').textContent({ timeout: 30_000 }))!.trim();
      expect(secret).toMatch(/^tf_/);
      const row = page.getByTestId('token-row').filter({ hasText: 'nightly report' });
      await expect.poll(() => row.getByTestId('token-scopes').textContent()).toBe('read');
      expect(await row.getByTestId('token-last-used').textContent()).toBe('never');

      // The secret works for reading, not for trading, and is not shown again.
      const api = (path: string, init: RequestInit = {}) => fetch(`${t.dashboard.apiUrl}${path}`, { ...init, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' } });
      expect((await api('/api/bots')).status).toBe(200);
      expect((await api('/api/bots', { method: 'POST', body: JSON.stringify({ name: 'x', pairs: ['BTC/USDT'], stakeAmount: 10 }) })).status).toBe(403);
      await page.reload();
      expect(await page.getByTestId('token-secret').count()).toBe(0);
      expect(await page.content()).not.toContain(secret);
      expect(await row.getByTestId('token-last-used').textContent()).not.toBe('never');

      await row.getByTestId('token-revoke').click();
      await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(0);
      expect((await api('/api/bots')).status).toBe(401);
    } finally {
      await context.close();
    }
  });
});
