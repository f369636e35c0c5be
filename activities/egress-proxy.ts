// The platform's egress proxy for one bot container: an HTTP proxy on a Unix socket in that container's directory that
// opens connections only to the host:port pairs of the bot's exchange (CONNECT for HTTPS, absolute-URI requests for
// plain HTTP such as the paper exchange), so code in the container reaches its exchange and nothing else.
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

export interface EgressProxy {
  readonly socketPath: string;
  /** Replaces the allowlist (host:port pairs, lower case) without dropping open connections. */
  allow(hosts: readonly string[]): void;
  close(): Promise<void>;
}

/** An idle tunnel or request is dropped after this long, so a container cannot hold host sockets open forever. */
const IDLE_MS = 120_000;
/** Hop-by-hop and proxy headers are not forwarded. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

const hostPort = (host: string, port: string | number): string => `${host.replace(/^\[|\]$/g, '').toLowerCase()}:${port}`;

export async function startEgressProxy(socketPath: string, hosts: readonly string[]): Promise<EgressProxy> {
  let allowed = new Set(hosts);
  const tunnels = new Set<net.Socket>();

  const server = http.createServer((req, res) => {
    // A forward-proxy request names its target in full: `GET http://host:port/path`.
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('egress proxy: absolute http:// URL or CONNECT expected\n');
      return;
    }
    const key = hostPort(target.hostname, target.port || '80');
    if (target.protocol !== 'http:' || !allowed.has(key)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`egress proxy: ${target.protocol}//${key} is not this bot's exchange\n`);
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_HEADERS.has(name)));
    const upstream = http.request({ host: target.hostname, port: target.port || 80, method: req.method, path: `${target.pathname}${target.search}`, headers, timeout: IDLE_MS }, (up) => {
      res.writeHead(up.statusCode ?? 502, Object.fromEntries(Object.entries(up.headers).filter(([name]) => !HOP_HEADERS.has(name))));
      up.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timed out')));
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('egress proxy: the exchange did not answer\n');
      else res.destroy();
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(req.url ?? '');
    const key = match ? hostPort(match[1]!, match[2]!) : '';
    client.on('error', () => undefined);
    tunnels.add(client);
    client.on('close', () => tunnels.delete(client));
    if (!match || !allowed.has(key)) {
      client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\negress proxy: ${key || 'that target'} is not this bot's exchange\n`);
      return;
    }
    const upstream = net.connect({ host: match[1]!, port: Number(match[2]) });
    upstream.setTimeout(IDLE_MS, () => upstream.destroy());
    client.setTimeout(IDLE_MS, () => client.destroy());
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      client.destroy();
    });
    client.on('close', () => upstream.destroy());
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  // The socket's directory belongs to the container's user, whose code may swap any name in it for a symlink: a chmod
  // there by this (root) process could be aimed at any file of the host. So the socket is bound and opened to the
  // container's user (0666; it connects, not the platform's user) in a private directory beside, then renamed into
  // place: a rename replaces whatever the name holds and follows no link.
  const staging = await fs.mkdtemp(path.join(path.dirname(path.dirname(socketPath)), '.egress-'));
  try {
    const staged = path.join(staging, path.basename(socketPath));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(staged, () => resolve());
    });
    await fs.chmod(staged, 0o666);
    await fs.rename(staged, socketPath);
  } catch (error) {
    server.close();
    throw error;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }

  return {
    socketPath,
    allow(next) {
      allowed = new Set(next);
    },
    async close() {
      server.closeAllConnections();
      for (const t of tunnels) t.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fs.rm(socketPath, { force: true });
    },
  };
}
