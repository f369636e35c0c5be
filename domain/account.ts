// Account input: sign-up, sign-in and password-change bodies.
import { z } from 'zod';

export const Credentials = z
  .object({
    email: z.string().trim().toLowerCase().email('must be a valid email address').max(254),
    password: z.string().min(1, 'is required').max(256, 'must be at most 256 characters'),
  })
  .strict();

const NewPassword = z.string().min(10, 'must be at least 10 characters').max(256, 'must be at most 256 characters');

export const SignUpInput = Credentials.extend({ password: NewPassword }).strict();

/** A signed-in user's new password: the current one proves it is them (a stolen session alone cannot change it). */
export const ChangePasswordInput = z
  .object({ currentPassword: z.string().min(1, 'is required').max(256, 'must be at most 256 characters'), newPassword: NewPassword })
  .strict();

/** Sign-in failures allowed per email (and, ten times as many, per client address) within the window. */
export const SIGNIN_LIMIT = { failures: 5, windowSeconds: 15 * 60 } as const;
