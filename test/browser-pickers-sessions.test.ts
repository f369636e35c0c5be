// Browser, issue 23's last asks: the new-bot form suggests the paper exchange's pairs and names a pair it does not list
// together with the other wrong fields after one submit; the settings page lists the browsers signed in and signs
// another one out.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { openHydrated, signedInContext, useBrowserTest } from './browser-support.js';
import { ORIGIN, signedUpAgent, startPlatform } from './platform.js';

const t = useBrowserTest({ start: (origins) => startPlatform({ worker: false, origins }) });

describe('pickers and sessions in a real browser', () => {
  it('suggests the exchange pairs and reports a pair it does not list with the other wrong fields', async () => {
    const user = await signedUpAgent(t.started.app);
    const context = await signedInContext(t.browser, t.dashboard.url, user.cookie, { viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await openHydrated(page, `${t.dashboard.url}/bots/new`);
    await expect(page.getByTestId('bot-pairs').getAttribute('list')).resolves.toBe('bot-pairs-markets');
    const offered = await page.locator('#bot-pairs-markets option').evaluateAll((options) => options.map((o) => o.getAttribute('value')));
    expect(offered).toContain('BTC/USDT');

    await page.getByTestId('bot-pairs').fill('FOO/USDT');
    await page.getByTestId('bot-stake-amount').fill('0');
    await page.getByTestId('bot-create-submit').click();
    await page.getByTestId('error-name').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('error-name').textContent()).resolves.toMatch(/required/);
    await expect(page.getByTestId('error-pairs').textContent()).resolves.toMatch(/FOO\/USDT is not listed on paper/);
    await expect(page.getByTestId('error-stakeAmount').textContent()).resolves.toMatch(/greater than 0/);
    await context.close();
  }, 90_000);

  it('lists the signed-in browsers and signs another one out', async () => {
    const user = await signedUpAgent(t.started.app);
    const other = request.agent(t.started.app);
    expect((await other.post('/api/auth/signin').set('Origin', ORIGIN).send({ email: user.email, password: 'correct horse battery' })).status).toBe(200);
    const context = await signedInContext(t.browser, t.dashboard.url, user.cookie, { viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await openHydrated(page, `${t.dashboard.url}/settings`);
    await expect(page.getByTestId('session').count()).resolves.toBe(2);
    await expect(page.getByTestId('session-current').count()).resolves.toBe(1);
    await page.getByTestId('session-end').click();
    await page.getByTestId('session-ended').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('session').count()).resolves.toBe(1);
    await expect(page.getByTestId('session-end').count()).resolves.toBe(0);
    expect((await other.get('/api/auth/me')).status).toBe(401);
    expect((await user.agent.get('/api/auth/me')).status).toBe(200);
    await context.close();
  }, 90_000);
});
