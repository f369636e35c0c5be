// Inside a container without a network, ccxt's proxy port (127.0.0.1:3128, domain/bot-channel.ts) joined to the
// platform's egress proxy socket in the container's directory: ccxt speaks HTTP proxy over TCP only, and the
// container's loopback is its own, so no other tenant can listen there.
import net from 'node:net';
import { EGRESS_PROXY_PORT } from '../domain/bot-channel.js';
import type { Logger } from './log.js';

export interface EgressForwarder {
  close(): Promise<void>;
}

export function startEgressForwarder(egressSocketPath: string, logger: Logger, port = EGRESS_PROXY_PORT): Promise<EgressForwarder> {
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(egressSocketPath);
    open.add(client).add(upstream);
    const done = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', done).on('close', done);
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      logger.log('warn', 'egress proxy not reachable', { error: err.code ?? err.message });
      done();
    }).on('close', done);
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.removeAllListeners('error');
      resolve({
        close: () => new Promise<void>((r) => {
          for (const s of open) s.destroy();
          server.close(() => r());
        }),
      });
    });
  });
}
