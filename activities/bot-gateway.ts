// A Docker host's TCP gateway to its pooled bots: one listener per placed bot on the host's address (BOT_API_ADDRESS,
// else BOT_API_HOST) and the bot's API port, joined to the bot's socket in its pool container's directory
// (`<BOT_SOCKET_DIR>/p-<key>/api-<botId>.sock`). Pool containers have no network, and the platform's processes may run
// on another machine, which cannot open this one's sockets: the gateway is how they reach a pooled bot, the same way for
// every host (`http://<host address>:<port>`, as db/bots.ts's apiHost says). One port per bot rather than one port
// routing by bot id, so a client needs no routing header and the port still says where a bot answers; a port opens
// when its bot is written into a container's list and closes when it leaves it. Bot code cannot bind these ports (its
// container has no network), so no tenant can squat another's.
import net from 'node:net';
import path from 'node:path';
import { botApiSocketName, poolSocketDirName } from '../domain/bot-channel.js';
import { connectBotSocket } from './bot-socket.js';

export interface GatewayRoute {
  botId: string;
  apiPort: number;
}

export interface BotGateway {
  readonly address: string;
  /** Makes container `key`'s routes exactly `bots`: opens or re-points their ports, closes those of bots that left it. */
  route(key: string, bots: readonly GatewayRoute[]): Promise<void>;
  close(): Promise<void>;
}

interface Open {
  key: string;
  port: number;
  server: net.Server;
  sockets: Set<net.Socket>;
}

/** `restore`: the routes that held when this process last stopped (the containers' lists in PostgreSQL). */
export function createBotGateway(address: string, socketRoot: string, restore: () => Promise<ReadonlyArray<GatewayRoute & { key: string }>>): BotGateway {
  const open = new Map<string, Open>();
  const socketOf = (botId: string): string => {
    const route = open.get(botId);
    return path.join(socketRoot, poolSocketDirName(route?.key ?? 'none'), botApiSocketName(botId));
  };

  function listen(botId: string, key: string, port: number): Promise<Open> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      sockets.add(client);
      client.pause();
      client.on('error', () => client.destroy()).on('close', () => sockets.delete(client));
      // Resolved per connection: a bot moved to another container of this host answers from its new socket. Only a
      // socket file is joined: a link the bot put in its place is refused (activities/bot-socket.ts).
      void connectBotSocket(socketOf(botId)).then((upstream) => {
        sockets.add(upstream);
        const done = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        if (client.destroyed) return done();
        client.on('close', done);
        upstream.on('error', done).on('close', done);
        client.pipe(upstream).pipe(client);
        client.resume();
      }, () => client.destroy());
    });
    return new Promise((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(new Error(`the gateway cannot listen on ${address}:${port} for bot ${botId} (${error.code ?? error.message})`)));
      server.listen({ host: address, port, exclusive: true }, () => {
        server.removeAllListeners('error');
        resolve({ key, port, server, sockets });
      });
    });
  }

  async function shut(botId: string): Promise<void> {
    const route = open.get(botId);
    if (!route) return;
    open.delete(botId);
    for (const s of route.sockets) s.destroy();
    await new Promise<void>((resolve) => route.server.close(() => resolve()));
  }

  async function apply(key: string, bots: readonly GatewayRoute[]): Promise<void> {
    const wanted = new Set(bots.map((b) => b.botId));
    for (const [botId, route] of [...open]) if (route.key === key && !wanted.has(botId)) await shut(botId);
    const problems: string[] = [];
    for (const bot of bots) {
      const route = open.get(bot.botId);
      if (route && route.port === bot.apiPort) {
        route.key = key;
        continue;
      }
      await shut(bot.botId);
      try {
        open.set(bot.botId, await listen(bot.botId, key, bot.apiPort));
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    // The bots' list is written already; a retry of the calling activity opens what failed here.
    if (problems.length) throw new Error(problems.join('; '));
  }

  // One change at a time: two containers' writes racing for a bot that moves between them must not interleave.
  let queue: Promise<unknown> = (async () => {
    const byKey = new Map<string, GatewayRoute[]>();
    for (const r of await restore()) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
    for (const [key, bots] of byKey) await apply(key, bots).catch(() => undefined); // the next write of that list retries
  })();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.catch(() => undefined).then(fn);
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    address,
    route: (key, bots) => serial(() => apply(key, bots)),
    close: () => serial(async () => {
      for (const botId of [...open.keys()]) await shut(botId);
    }),
  };
}
