// The pool host's control socket: the platform pushes a container's new bot list here (PUT /config, the whole config as
// JSON) and gets back what the host did once it is done, instead of extracting a tar through the Docker engine and
// waiting for the next poll of the file. Under a loaded engine that write took a median of about a second (p95 up to
// 5.6 s, bench:fleet at 1,000 bots); a push is a local socket round trip plus the apply itself.
// The socket lives in the container's socket directory (/run/tf), which only this container and the platform's processes
// on its Docker host can reach; a pool container runs no user code (builtin strategies are data, not programs).
// The answer names bots and errors, never a config value: the config holds exchange keys.
// GET /metrics answers what the host counts about itself and its bots (bot/host-metrics.ts), for the worker's /metrics.
import { chmod, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { ConfigFollower } from './config-file-follower.js';
import type { HostMetricsReport } from './host-metrics.js';
import type { Logger } from './log.js';

/** Mirrors the worker's HOST_CONTROL_SOCKET_ENV (activities/bot-host-control.ts); a test keeps them equal. */
export const CONTROL_SOCKET_ENV = 'TF_BOT_HOST_CONTROL_SOCKET';
/** A bot list of fifty bots is about 100 KB; anything far beyond is not a config. */
export const MAX_CONFIG_BYTES = 8 * 2 ** 20;

function send(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function serveHostControl(
  socketPath: string,
  follower: ConfigFollower,
  logger: Logger,
  metrics: () => HostMetricsReport | null = () => null,
): Promise<Server> {
  const server = createServer({ requestTimeout: 60_000 }, (req, res) => {
    if (req.url === '/metrics' && req.method === 'GET') {
      req.resume();
      const report = metrics();
      return report ? send(res, 200, report) : send(res, 404, { error: 'this host reports no metrics' });
    }
    if (req.url !== '/config' || req.method !== 'PUT') return send(res, 404, { error: 'only PUT /config and GET /metrics are served here' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_CONFIG_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_CONFIG_BYTES) return send(res, 413, { error: `the configuration is over ${MAX_CONFIG_BYTES} bytes` });
      follower.push(Buffer.concat(chunks).toString('utf8')).then(
        (pushed) => {
          if (!pushed.ok) return send(res, 400, { error: pushed.error });
          const r = pushed.result;
          send(res, 200, r
            ? { changed: true, added: r.added, removed: r.removed, restarted: r.restarted, failed: r.failed.map((f) => f.botId) }
            : { changed: false, added: [], removed: [], restarted: [], failed: [] });
        },
        (err: unknown) => {
          // Saving the file failed (an old container whose config directory the bot user cannot write, say): the
          // platform falls back to writing the file through the engine.
          const code = (err as NodeJS.ErrnoException).code ?? 'error';
          logger.log('warn', 'a pushed configuration could not be saved', { error: code });
          send(res, 500, { error: `the configuration could not be saved (${code})` });
        },
      );
    });
  });
  // A socket file left by a killed container would refuse the bind; nobody else can write this directory.
  await rm(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => logger.log('error', 'control socket error', { error: err.message }));
  // The platform's processes (root on the host) connect; the 0700 directory owned by the bot user keeps others out.
  await chmod(socketPath, 0o666);
  return server;
}
