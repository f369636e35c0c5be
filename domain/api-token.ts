// Personal API tokens: their scopes, expiry and the create form's input, shared by the server and the dashboard.
import { z } from 'zod';

/** `read`: every GET; `trade`: changes to bots, strategies, guards and exchange accounts; `operator`: operator routes. */
export const TOKEN_SCOPES = ['read', 'trade', 'operator'] as const;
export const TokenScope = z.enum(TOKEN_SCOPES);
export type TokenScope = z.infer<typeof TokenScope>;

export const TOKEN_SCOPE_HELP: Record<TokenScope, string> = {
  read: 'read bots, strategies, accounts, guards, portfolio',
  trade: 'create, command and delete bots, guards, strategies and exchange accounts',
  operator: 'pools, migrations and the Temporal payload codec (operators only)',
};

export const TOKEN_DEFAULT_DAYS = 90;
export const TOKEN_MAX_DAYS = 365;

export const NewTokenInput = z
  .object({
    name: z.string().trim().min(1, 'is required').max(64, 'must be at most 64 characters'),
    scopes: z
      .array(TokenScope)
      .min(1, 'choose at least one scope')
      .default(['read'])
      .transform((scopes) => [...new Set(scopes)].sort((a, b) => TOKEN_SCOPES.indexOf(a) - TOKEN_SCOPES.indexOf(b))),
    expiresInDays: z.number().int('must be a whole number of days').min(1, 'must be at least 1 day').max(TOKEN_MAX_DAYS, `must be at most ${TOKEN_MAX_DAYS} days`).default(TOKEN_DEFAULT_DAYS),
  })
  .strict();
export type NewTokenInput = z.input<typeof NewTokenInput>;

/** A token as its owner sees it: never its secret (only the create answer carries that, once). */
export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(TokenScope),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

/** What a request may do: a browser session may do everything its user may; a token only what its scopes allow. */
export type RouteScope = TokenScope | 'session' | 'public';

export const hasScope = (granted: readonly TokenScope[], needed: TokenScope): boolean => granted.includes(needed);
