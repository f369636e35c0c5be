// The error a /api/v1 route throws: FastAPI's `{"detail": ...}` body with a status and optional headers.

/** A FastAPI-style error: `{"detail": ...}` with a status and optional headers. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === 'string' ? detail : `HTTP ${status}`);
  }
}
