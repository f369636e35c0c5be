// Turns an API error into a form action failure the page can show next to the field it names.
import { fail, type ActionFailure } from '@sveltejs/kit';
import type { FormFailure } from '#lib/types.ts';
import { ApiError } from './http.server.ts';

/** Rethrows anything that is not an ApiError (redirects, bugs) so SvelteKit handles it. */
export function failFromApi(error: unknown, values: Record<string, string>): ActionFailure<FormFailure> {
  if (!(error instanceof ApiError)) throw error;
  const { field } = error.body;
  // The API prefixes validation messages with the field path ("pairs.0: ..."); the page shows the field itself.
  let message = field && error.body.message.startsWith(`${field}: `) ? error.body.message.slice(field.length + 2) : error.body.message;
  if (error.status === 429 && error.retryAfterSeconds) {
    message = `Too many attempts. Try again in about ${formatWait(error.retryAfterSeconds)}.`;
  }
  return fail(error.status, { error: { ...error.body, message }, values });
}

/** A failure the dashboard detects itself, before calling the API. */
export const failField = (field: string, message: string, values: Record<string, string>): ActionFailure<FormFailure> =>
  fail(400, { error: { code: 'invalid_input', message, field }, values });

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.round(seconds / 60)} minutes`;
}
