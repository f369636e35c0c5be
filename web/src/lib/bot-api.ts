// Browser-side calls to the platform's API for a bot's live views (through the dashboard's /api proxy, with the
// session cookie); an error answer becomes an Error carrying the API's own message.
export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly field: string | undefined,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as { error?: { message?: string; field?: string } };
  if (!res.ok) throw new ApiCallError(json.error?.message ?? `the API answered ${res.status}`, res.status, json.error?.field);
  return json as T;
}

export const apiGet = <T>(path: string): Promise<T> => call<T>('GET', path);
export const apiPost = <T>(path: string, body: unknown = {}): Promise<T> => call<T>('POST', path, body);
export const apiPut = <T>(path: string, body: unknown): Promise<T> => call<T>('PUT', path, body);
export const apiDelete = <T>(path: string): Promise<T> => call<T>('DELETE', path);

/** Runs `read` now and every `ms` while the component lives; returns the stop function for an $effect. */
export function poll(read: () => Promise<void>, ms: number): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    await read().catch(() => undefined);
    if (!stopped) timer = setTimeout(() => void tick(), ms);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
