// Input found wrong by a workflow or an activity, as one typed failure naming its field, which the API answers with 400.
// Deterministic: workflows raise it in update validators and handlers, activities when a check needs the database or an exchange.
import { ApplicationFailure } from '@temporalio/common';
import { schemaIssues, type FieldError, type SchemaIssues } from './field-issues.js';

export { schemaIssues, type FieldError } from './field-issues.js';

/** The failure type of every field error; the failure's first detail is its `FieldError`. */
export const INVALID_FIELD = 'InvalidField';

/** What a caller reads: the message led by the field it names, as the API and the Temporal UI show it. */
export const fieldErrorText = ({ field, message }: FieldError): string => (field ? `${field}: ${message}` : message);

/** A final failure (retrying the same input cannot help) that keeps its field through Temporal as a detail. */
export function fieldError(field: string, message: string): ApplicationFailure {
  return fieldErrors([{ field, message }]);
}

/**
 * Every problem found in one input at once (the first leads the message), so a form can mark all its wrong fields
 * after one submit. Each is a detail of the one failure.
 */
export function fieldErrors(errors: readonly [FieldError, ...FieldError[]] | FieldError[]): ApplicationFailure {
  const first = errors[0] ?? { field: '', message: 'invalid input' };
  return ApplicationFailure.create({ type: INVALID_FIELD, message: fieldErrorText(first), details: [...errors], nonRetryable: true });
}

/** A failed schema check (zod's `error`) as one field error carrying all its issues. */
export const schemaFieldError = (error: SchemaIssues): ApplicationFailure => fieldErrors(schemaIssues(error));

/** The field error carried by `error` or anything it wraps (an activity's failure, a refused update), or null. */
export function fieldErrorOf(error: unknown): FieldError | null {
  return fieldErrorsOf(error)[0] ?? null;
}

/** Every field error carried by `error` or anything it wraps; empty when it carries none. */
export function fieldErrorsOf(error: unknown): FieldError[] {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof ApplicationFailure && e.type === INVALID_FIELD) {
      const found = (e.details ?? []).filter(
        (d): d is FieldError => typeof (d as Partial<FieldError>)?.field === 'string' && typeof (d as Partial<FieldError>).message === 'string',
      );
      if (found.length) return found.map(({ field, message }) => ({ field, message }));
    }
  }
  return [];
}

/**
 * Throws the field error an activity failed with as the workflow's own, so the update that called the activity fails
 * with it (and the API answers 400 naming the field); returns when `error` carries none.
 */
export function rethrowFieldError(error: unknown): void {
  const invalid = fieldErrorsOf(error);
  if (invalid.length) throw fieldErrors(invalid);
}
