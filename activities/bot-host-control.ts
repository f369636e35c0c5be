// Pushes a pool container's bot list to its host's control socket (bot/host-control.ts) on this Docker host: a local
// socket round trip instead of a tar through the engine, answered once the host has applied it. `null` means the push
// could not be made (a container still starting, one from an image without the socket, or a host that did not answer
// in time): write the file instead.
import { request } from 'node:http';

/** The env var naming the socket inside the container; mirrors bot/host-control.ts (a test keeps them equal). */
export const HOST_CONTROL_SOCKET_ENV = 'TF_BOT_HOST_CONTROL_SOCKET';
/** The socket's name in the container's socket directory. */
export const HOST_CONTROL_SOCKET_NAME = 'host.sock';

export interface PushAnswer {
  /** False when the host already ran exactly this list. */
  changed: boolean;
  added: string[];
  removed: string[];
  restarted: string[];
  /** Bots that could not start (the host retries them). */
  failed: string[];
}

/** Errors that mean nobody serves the socket (yet): the file is the way then. */
const ABSENT = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK', 'EACCES', 'ECONNRESET', 'EPIPE']);

export function pushHostConfig(socketPath: string, configJson: string, timeoutMs = 15_000): Promise<PushAnswer | null> {
  return new Promise((resolve, reject) => {
    const req = request({
      socketPath, path: '/config', method: 'PUT', timeout: timeoutMs,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(configJson) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        let body: { error?: string } & Partial<PushAnswer>;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return reject(new Error(`the bot host's control socket answered ${res.statusCode} with no JSON`));
        }
        if (res.statusCode === 200) return resolve(body as PushAnswer);
        // It could not save the file (an old container's config directory): the engine can.
        if (res.statusCode === 500) return resolve(null);
        reject(new Error(`the bot host refused the bot list: ${body.error ?? res.statusCode}`));
      });
    });
    // A host too busy to answer in time (a burst applying into a loaded container) is no reason to fail the write: the
    // file goes in through the engine, which the host reads on its next poll. The list is the same (the caller holds the
    // container's lock), and one the host applies late is in order: its pushes and polls run in one queue.
    req.on('timeout', () => {
      resolve(null);
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code && ABSENT.has(err.code) ? resolve(null) : reject(err)));
    req.end(configJson);
  });
}
