// How a refused workflow Update reaches an API caller: a field error (domain/field-error.ts) is a 400 naming the field,
// any other refusal a 409, a workflow that is not running a 409 with `goneMessage`, no worker in time a 503.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { fieldErrorsOf, fieldErrorText } from '../domain/field-error.js';
import { HttpError } from './errors.js';

/** The answer to an update the workflow refused: its validator or handler found the input wrong (400) or the moment wrong (409). */
export function refusalAsHttp(error: WorkflowUpdateFailedError): HttpError {
  const [invalid, ...more] = fieldErrorsOf(error);
  if (invalid) return new HttpError(400, 'invalid_input', fieldErrorText(invalid), invalid.field || undefined, {}, more.length ? [invalid, ...more] : undefined);
  const cause = error.cause as { type?: string; message?: string; cause?: { message?: string } } | undefined;
  // A per-user limit checked where the row is written (racing creates passed the API's early count together).
  if (cause?.type === 'QuotaExceeded') return new HttpError(409, 'quota_exceeded', cause.message ?? 'quota exceeded');
  return new HttpError(409, 'conflict', cause?.cause?.message ?? cause?.message ?? error.message);
}

export function updateErrorAsHttp(goneMessage: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof WorkflowUpdateFailedError) throw refusalAsHttp(error);
    if (error instanceof WorkflowNotFoundError) throw new HttpError(409, 'conflict', goneMessage);
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) throw new HttpError(503, 'unavailable', 'no worker answered in time; try again');
    throw error;
  };
}
