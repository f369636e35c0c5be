// The OpenID Connect relying party (openid-client): discovery, the authorization URL with PKCE, state and nonce, and
// the callback's code exchange with ID token checks. The only module that imports openid-client.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { OidcSettings } from '../../domain/config.js';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
const random = (): string => randomBytes(32).toString('base64url');

/**
 * What one attempt needs, all from two random values: `state` travels in the URL, `binding` only in the httpOnly cookie
 * of the browser that started. Nonce and PKCE verifier are derived from the binding, so the database holds only hashes
 * and a callback completes only in that browser.
 */
export function attemptSecrets(binding: string) {
  const derive = (purpose: string) => createHmac('sha256', binding).update(purpose).digest('base64url');
  const nonce = derive('nonce');
  const verifier = derive('pkce-verifier');
  return { nonce, verifier, nonceHash: sha256(nonce), verifierHash: sha256(verifier) };
}

export const newAttempt = () => {
  const state = random();
  const binding = random();
  return { state, stateHash: sha256(state), binding, ...attemptSecrets(binding) };
};

export const hashState = sha256;

/** Who the provider says signed in. */
export interface ProviderAccount {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
}

export interface Oidc {
  /** The provider's name for the button. */
  name: string;
  authorizationUrl(checks: { state: string; nonce: string; verifier: string }): Promise<URL>;
  /** Cookies of the attempt are `Secure` when the dashboard (the redirect URI) is served over https. */
  secureCookie: boolean;
  /**
   * Exchanges the callback's code (PKCE verifier, state and nonce checked) and reads the ID token's claims. `search` is
   * the callback's query string; the URL it was sent to is the configured redirect URI, whichever proxy passed it on.
   */
  finish(search: string, checks: { state: string; nonce: string; verifier: string }): Promise<ProviderAccount>;
}

/** Plain http only for a provider on this machine (tests, a local Dex); anywhere else it must be https. */
const isLoopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

export function createOidc(settings: OidcSettings): Oidc {
  const issuer = new URL(settings.issuerUrl);
  let discovered: Promise<client.Configuration> | null = null;
  // Discovered on first use, not at start: a provider that is down when the API starts must not stop it; a failed
  // discovery is tried again by the next sign-in.
  const configuration = () => {
    discovered ??= client
      .discovery(issuer, settings.clientId, settings.clientSecret, undefined, issuer.protocol === 'http:' && isLoopback(issuer) ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        discovered = null;
        throw error;
      });
    return discovered;
  };
  return {
    name: settings.name,
    secureCookie: settings.redirectUri.startsWith('https:'),
    async authorizationUrl({ state, nonce, verifier }) {
      return client.buildAuthorizationUrl(await configuration(), {
        redirect_uri: settings.redirectUri,
        scope: 'openid email profile',
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
    },
    async finish(search, { state, nonce, verifier }) {
      const config = await configuration();
      const callbackUrl = new URL(settings.redirectUri);
      callbackUrl.search = search;
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('the provider answered without an ID token');
      let email = typeof claims['email'] === 'string' ? claims['email'] : null;
      let verified = claims['email_verified'] === true;
      // Providers that keep the email out of the ID token (oidc-provider's default) give it on the userinfo endpoint.
      if (email === null) {
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        email = typeof info.email === 'string' ? info.email : null;
        verified = info.email_verified === true;
      }
      return { issuer: claims.iss, subject: claims.sub, email: email?.toLowerCase() ?? null, emailVerified: verified };
    },
  };
}
