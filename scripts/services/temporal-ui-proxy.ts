// The Temporal Web UI's public port: a pass-through proxy to the dev server's UI that turns on the UI's
// "include cross-origin credentials" for the codec server, so the dashboard's session cookie reaches the API's codec.
// The CLI's dev server has a flag for the codec endpoint but none for credentials (the UI server's config has
// `codec.includeCredentials`, which the CLI never sets); the UI reads it from GET /api/v1/settings.
import http from 'node:http';

export interface TemporalUiProxy {
  url: string;
  close(): Promise<void>;
}

const SETTINGS_PATH = '/api/v1/settings';

/** The UI server's settings with the codec called with credentials (cookies), when a codec endpoint is set. */
export function withCodecCredentials(body: string): string {
  const settings = JSON.parse(body) as { Codec?: { Endpoint?: string; IncludeCredentials?: boolean } };
  if (settings.Codec?.Endpoint) settings.Codec.IncludeCredentials = true;
  return JSON.stringify(settings);
}

function forward(target: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
  const isSettings = req.method === 'GET' && new URL(req.url ?? '/', 'http://ui').pathname === SETTINGS_PATH;
  const headers = { ...req.headers, host: target.host };
  // The settings are rewritten, so they must come back uncompressed.
  if (isSettings) delete headers['accept-encoding'];
  const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
    if (!isSettings || answer.statusCode !== 200) {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      return;
    }
    const chunks: Buffer[] = [];
    answer.on('data', (c: Buffer) => chunks.push(c));
    answer.on('error', () => res.destroy());
    answer.on('end', () => {
      let body: string;
      try {
        body = withCodecCredentials(Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`the Temporal UI's settings could not be read: ${(error as Error).message}`);
        return;
      }
      const { 'content-length': _length, 'transfer-encoding': _encoding, ...rest } = answer.headers;
      res.writeHead(200, { ...rest, 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  upstream.on('error', (error) => {
    if (res.headersSent) res.destroy();
    else res.writeHead(502, { 'content-type': 'text/plain' }).end(`the Temporal UI does not answer: ${error.message}`);
  });
  req.pipe(upstream);
}

/** Listens on host:port and forwards every request to the UI server at `target` (its internal port). */
export async function startTemporalUiProxy(options: { host: string; port: number; target: string }): Promise<TemporalUiProxy> {
  const target = new URL(options.target);
  const server = http.createServer((req, res) => forward(target, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    url: `http://${options.host}:${options.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
