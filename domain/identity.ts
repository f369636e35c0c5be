// Sign-in with an OpenID Connect provider: a linked identity as the API shows it, and the callback's failure codes with
// the messages the dashboard shows for them (one table, so the API never puts free text into a redirect).
import { z } from 'zod';

export const Identity = z.object({
  id: z.string(),
  issuer: z.string(),
  email: z.string().nullable(),
  createdAt: z.string(),
});
export type Identity = z.infer<typeof Identity>;

export const OIDC_FAILURES = {
  oidc_denied: 'The provider did not sign you in (you cancelled, or it refused). Try again.',
  oidc_state: 'This sign-in link is unknown, expired or was already used. Start again from the button.',
  oidc_browser: 'This sign-in was started in another browser, or took longer than 10 minutes. Start again from the button.',
  oidc_exchange: 'The provider\'s answer could not be verified. Start again; if it keeps failing, tell your administrator.',
  oidc_email: 'Your provider did not confirm your email address, so no account can be linked to it.',
  oidc_taken: 'This provider account is already linked to another tradefleet account.',
  oidc_migration_pending: 'Your account is being moved to this platform: keep using the old platform until the migration is cut over.',
  oidc_unreachable: 'The provider could not be reached. Try again in a moment.',
  oidc_off: 'Sign-in with a provider is not configured here.',
  oidc_busy: 'Too many sign-ins were started from your address. Wait 15 minutes and try again.',
} as const;

/** Provider sign-ins started per client address: each one stores an attempt until it expires. */
export const OIDC_START_LIMIT = { starts: 30, windowSeconds: 15 * 60 } as const;
export type OidcFailure = keyof typeof OIDC_FAILURES;

export const isOidcFailure = (code: unknown): code is OidcFailure => typeof code === 'string' && Object.hasOwn(OIDC_FAILURES, code);
