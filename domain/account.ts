// Account input: sign-up and sign-in bodies.
import { z } from 'zod';

export const Credentials = z
  .object({
    email: z.string().trim().toLowerCase().email('must be a valid email address').max(254),
    password: z.string().min(1, 'is required').max(256, 'must be at most 256 characters'),
  })
  .strict();

export const SignUpInput = Credentials.extend({
  password: z.string().min(10, 'must be at least 10 characters').max(256, 'must be at most 256 characters'),
}).strict();

/** Sign-in failures allowed per email (and, ten times as many, per client address) within the window. */
export const SIGNIN_LIMIT = { failures: 5, windowSeconds: 15 * 60 } as const;
