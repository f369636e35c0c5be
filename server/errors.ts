// HTTP errors and the one middleware that turns any error into `{ error: { code, message, field?, fields? } }`.
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { schemaIssues, type FieldError } from '../domain/field-issues.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
    /** Every wrong field of the input, when there are several (the first is `field`). */
    readonly fields?: FieldError[],
  ) {
    super(message);
  }
}

export const notFound = (what = 'resource'): HttpError => new HttpError(404, 'not_found', `${what} not found`);

/** A failed validation: the first issue as message and field, and every wrong field in `fields`. */
export function validationError(error: ZodError): HttpError {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || undefined;
  const message = issue ? `${field ? `${field}: ` : ''}${issue.message}` : 'invalid input';
  const fields = schemaIssues(error);
  return new HttpError(400, 'invalid_input', message, field, {}, fields.length > 1 ? fields : undefined);
}

export function errorMiddleware(log: (entry: Record<string, unknown>) => void): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let http: HttpError;
    if (error instanceof HttpError) http = error;
    else if (error instanceof ZodError) http = validationError(error);
    else if (error?.type === 'entity.parse.failed') http = new HttpError(400, 'invalid_json', 'request body is not valid JSON');
    else if (error?.type === 'entity.too.large') http = new HttpError(413, 'too_large', 'request body is too large');
    else {
      // Unknown errors may carry internals; log the message (never request data) and answer generically.
      log({ level: 'error', msg: 'unhandled error', error: error instanceof Error ? error.message : String(error), method: req.method, path: req.baseUrl + req.path, userId: req.user?.id });
      http = new HttpError(500, 'internal', 'something went wrong on our side; try again');
    }
    for (const [k, v] of Object.entries(http.headers)) res.setHeader(k, v);
    res.status(http.status).json({
      error: { code: http.code, message: http.message, ...(http.field ? { field: http.field } : {}), ...(http.fields ? { fields: http.fields } : {}) },
    });
  };
}
