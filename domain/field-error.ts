// Input found wrong by a workflow or an activity, as one typed failure naming its field, which the API answers with 400.
// Deterministic: workflows raise it in update validators and handlers, activities when a check needs the database or an exchange.
import { ApplicationFailure } from '@temporalio/common';

/** The failure type of every field error; the failure's first detail is its `FieldError`. */
export const INVALID_FIELD = 'InvalidField';

export interface FieldError {
  /** The input's path (`pairs.1`, `takeProfit.targets.0.price`); empty when the problem is the input as a whole. */
  field: string;
  message: string;
}

/** What a caller reads: the message led by the field it names, as the API and the Temporal UI show it. */
export const fieldErrorText = ({ field, message }: FieldError): string => (field ? `${field}: ${message}` : message);

/** A final failure (retrying the same input cannot help) that keeps its field through Temporal as a detail. */
export function fieldError(field: string, message: string): ApplicationFailure {
  const details: FieldError = { field, message };
  return ApplicationFailure.create({ type: INVALID_FIELD, message: fieldErrorText(details), details: [details], nonRetryable: true });
}

/** The first issue of a failed schema check (zod's `error`), as a field error. */
export const schemaFieldError = (error: { issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }> }): ApplicationFailure =>
  fieldError(error.issues[0]!.path.join('.'), error.issues[0]!.message);

/** The field error carried by `error` or anything it wraps (an activity's failure, a refused update), or null. */
export function fieldErrorOf(error: unknown): FieldError | null {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof ApplicationFailure && e.type === INVALID_FIELD) {
      const details = e.details?.[0] as Partial<FieldError> | undefined;
      if (typeof details?.field === 'string' && typeof details.message === 'string') return { field: details.field, message: details.message };
    }
  }
  return null;
}

/**
 * Throws the field error an activity failed with as the workflow's own, so the update that called the activity fails
 * with it (and the API answers 400 naming the field); returns when `error` carries none.
 */
export function rethrowFieldError(error: unknown): void {
  const invalid = fieldErrorOf(error);
  if (invalid) throw fieldError(invalid.field, invalid.message);
}
