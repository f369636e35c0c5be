// A real OpenID Connect provider for tests: npm `oidc-provider` on 127.0.0.1 with its development login and consent
// pages, one confidential client that must use PKCE, and accounts the test adds (email and whether it is verified).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Account } from 'oidc-provider';
import type { Page } from 'playwright-core';

export interface TestAccount {
  email: string;
  emailVerified: boolean;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Accounts by subject: the development login page signs in whatever login is typed as that subject. */
  accounts: Map<string, TestAccount>;
  /** The platform environment that points at this provider. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

export async function startOidcProvider(redirectUri: string): Promise<TestOidcProvider> {
  const accounts = new Map<string, TestAccount>();
  const clientId = 'tradefleet-test';
  const clientSecret = randomBytes(24).toString('base64url');
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    pkce: { required: () => true },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx: unknown, sub: string): Promise<Account | undefined> {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, email: account.email, email_verified: account.emailVerified }) };
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    env: () => ({ OIDC_ISSUER_URL: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret, OIDC_NAME: 'Test Provider' }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** On the provider's development pages: signs in as `subject` and grants the consent, as a user would. */
export async function signInAtProvider(page: Page, subject: string): Promise<void> {
  await page.waitForSelector('input[name="login"]', { timeout: 30_000 });
  await page.fill('input[name="login"]', subject);
  await page.fill('input[name="password"]', 'any password');
  await page.click('button[type="submit"]');
  await page.waitForSelector('button:has-text("Continue")', { timeout: 30_000 });
  await page.click('button:has-text("Continue")');
}
