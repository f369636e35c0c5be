// Sign-in with an OpenID Connect provider in Chromium, through the dashboard's button and a real provider (npm
// `oidc-provider` on 127.0.0.1): an account created and linked, the same account on the next sign-in, linking from the
// settings page, and a tampered or replayed callback refused without creating anything.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { sql } from '../db/pool.js';
import { openHydrated, signedInContext, useBrowserTest } from './browser-support.js';
import { signInAtProvider, startOidcProvider, type TestOidcProvider } from './oidc-provider.js';
import { signedUpAgent, startPlatform, type TestPlatform } from './platform.js';

const t = useBrowserTest<{ platform: TestPlatform; provider: TestOidcProvider; stop(): Promise<void> }>({
  async start(origins) {
    const dashboard = origins[0]!;
    const provider = await startOidcProvider(`${dashboard}/api/auth/oidc/callback`);
    const platform = await startPlatform({ worker: false, origins, env: { DASHBOARD_URL: dashboard, ...provider.env() } });
    return {
      platform,
      provider,
      async stop() {
        await platform.stop();
        await provider.close();
      },
    };
  },
});

const db = () => t.started.platform.db;
const usersWithEmail = (email: string) =>
  db().any(sql.type(z.object({ id: z.string(), hasPassword: z.boolean() }))`select id, password_hash is not null as has_password from users where email = ${email}`);
const identitiesOf = (subject: string) =>
  db().any(sql.type(z.object({ userId: z.string(), issuer: z.string() }))`select user_id, issuer from user_identities where subject = ${subject}`);

/** A provider account with a verified email, new for each test. */
function providerAccount(emailVerified = true) {
  const subject = `sub-${randomUUID()}`;
  const email = `${subject}@example.com`;
  t.started.provider.accounts.set(subject, { email, emailVerified });
  return { subject, email };
}

/** Clicks the sign-in page's provider button and signs in at the provider; returns the callback URLs the browser asked for. */
async function signInWithProvider(page: Page, subject: string): Promise<string[]> {
  const callbacks: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/auth/oidc/callback')) callbacks.push(r.url());
  });
  await openHydrated(page, `${t.dashboard.url}/signin`);
  await page.getByTestId('oidc-signin').click();
  await signInAtProvider(page, subject);
  return callbacks;
}

const signedInUserId = async (page: Page) => {
  const res = await page.request.get(`${t.dashboard.url}/api/auth/me`);
  return res.ok() ? ((await res.json()) as { user: { id: string } }).user.id : null;
};

describe('sign-in with an OpenID Connect provider', () => {
  it('creates and links an account on the first sign-in, and opens the same account on the next', async () => {
    const { subject, email } = providerAccount();
    const first = await t.browser.newContext();
    const second = await t.browser.newContext();
    try {
      const page = await first.newPage();
      await signInWithProvider(page, subject);
      await page.waitForURL(/\/bots$/, { timeout: 60_000 });
      const userId = await signedInUserId(page);
      expect(await usersWithEmail(email)).toEqual([{ id: userId, hasPassword: false }]);
      expect(await identitiesOf(subject)).toEqual([{ userId, issuer: t.started.provider.issuer }]);

      const again = await second.newPage();
      await signInWithProvider(again, subject);
      await again.waitForURL(/\/bots$/, { timeout: 60_000 });
      expect(await signedInUserId(again)).toBe(userId);
      expect(await usersWithEmail(email)).toHaveLength(1);
      expect(await identitiesOf(subject)).toHaveLength(1);

      // Its only way in cannot be unlinked: the settings page says why.
      await openHydrated(again, `${t.dashboard.url}/settings`);
      await expect.poll(() => again.getByTestId('identity').textContent()).toContain(email);
      await again.getByTestId('identity-unlink').click();
      await expect.poll(() => again.getByRole('alert').allTextContents(), { timeout: 30_000 }).toContainEqual(expect.stringContaining('only way to sign in'));
      expect(await identitiesOf(subject)).toHaveLength(1);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('links a provider to a password account from the settings page; its sign-in then opens that account', async () => {
    const user = await signedUpAgent(t.started.platform.app);
    const { subject } = providerAccount(false);
    const context = await signedInContext(t.browser, t.dashboard.url, user.cookie);
    const fresh = await t.browser.newContext();
    try {
      const page = await context.newPage();
      await openHydrated(page, `${t.dashboard.url}/settings`);
      await page.getByTestId('identity-link').click();
      await signInAtProvider(page, subject);
      await page.waitForURL(/\/settings\?linked=1$/, { timeout: 60_000 });
      await expect.poll(() => page.getByTestId('identity-linked').count()).toBe(1);
      expect(await identitiesOf(subject)).toEqual([{ userId: user.userId, issuer: t.started.provider.issuer }]);

      const other = await fresh.newPage();
      await signInWithProvider(other, subject);
      await other.waitForURL(/\/bots$/, { timeout: 60_000 });
      expect(await signedInUserId(other)).toBe(user.userId);
    } finally {
      await context.close();
      await fresh.close();
    }
  });

  it('refuses a callback whose state was tampered with, and creates nothing', async () => {
    const { subject, email } = providerAccount();
    const context = await t.browser.newContext();
    try {
      const page = await context.newPage();
      // Changed on its way to the provider, the state comes back with a genuine code but matches no attempt. (Playwright
      // routes only the first request of a redirect chain, so the start route's answer is where it can be changed.)
      await page.route('**/api/auth/oidc/start', async (route) => {
        const response = await route.fetch({ maxRedirects: 0 });
        const to = new URL(response.headers()['location']!);
        to.searchParams.set('state', `${to.searchParams.get('state')!.slice(0, -4)}AAAA`);
        await route.fulfill({ response, headers: { ...response.headers(), location: to.toString() } });
      });
      const callbacks = await signInWithProvider(page, subject);
      await page.waitForURL(/\/signin\?oidc_error=oidc_state$/, { timeout: 60_000 });
      expect(new URL(callbacks[0]!).searchParams.get('code')).toBeTruthy();
      expect(await page.getByTestId('oidc-error').textContent()).toMatch(/unknown, expired or was already used/);
      expect(await signedInUserId(page)).toBeNull();
      expect(await usersWithEmail(email)).toEqual([]);
      expect(await identitiesOf(subject)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses a replayed callback URL, in another browser and in the same one', async () => {
    const { subject, email } = providerAccount();
    const victim = await t.browser.newContext();
    const attacker = await t.browser.newContext();
    try {
      const page = await victim.newPage();
      const callbacks = await signInWithProvider(page, subject);
      await page.waitForURL(/\/bots$/, { timeout: 60_000 });
      const [user] = await usersWithEmail(email);
      const sessions = () => db().oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from user_sessions where user_id = ${user!.id}`);
      expect(await sessions()).toBe(1);
      expect(callbacks).toHaveLength(1);

      const stolen = await attacker.newPage();
      await stolen.goto(callbacks[0]!);
      await stolen.waitForURL(/\/signin\?oidc_error=oidc_state$/, { timeout: 30_000 });
      expect(await stolen.getByTestId('oidc-error').isVisible()).toBe(true);
      expect(await signedInUserId(stolen)).toBeNull();

      await page.goto(callbacks[0]!);
      await page.waitForURL(/\/settings\?oidc_error=oidc_state$/, { timeout: 30_000 });
      expect(await page.getByTestId('oidc-error').isVisible()).toBe(true);
      expect(await sessions()).toBe(1);
      expect(await usersWithEmail(email)).toHaveLength(1);
    } finally {
      await victim.close();
      await attacker.close();
    }
  });
});
