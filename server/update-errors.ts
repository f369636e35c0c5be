// How a refused workflow Update reaches an API caller: a validator's `field: reason` is a 400 naming the field, any other
// refusal a 409, a workflow that is not running a 409 with `goneMessage`, no worker in time a 503.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { HttpError } from './errors.js';

export function updateErrorAsHttp(goneMessage: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause as { message?: string; cause?: { message?: string } } | undefined;
      const message = cause?.cause?.message ?? cause?.message ?? error.message;
      const field = /^([a-zA-Z][\w.]*): /.exec(message)?.[1];
      if (field) throw new HttpError(400, 'invalid_input', message, field);
      throw new HttpError(409, 'conflict', message);
    }
    if (error instanceof WorkflowNotFoundError) throw new HttpError(409, 'conflict', goneMessage);
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) throw new HttpError(503, 'unavailable', 'no worker answered in time; try again');
    throw error;
  };
}
