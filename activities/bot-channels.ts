// The socket directories of bot containers on this Docker host (`<BOT_SOCKET_DIR>/<name>`, owned by the bot user, 0700)
// and the egress proxy listening in each. A directory's allowlist is kept beside it (`<name>.egress.json`, outside the
// mount, so the container cannot change it), and a restarted worker listens again for every directory it owns. A
// FreqTrade pool container's directory instead holds one egress proxy per bot (`e-<botId>/egress.sock`, each with its
// bot's allowlist, kept in `<name>.egress-bots.json`): its bots share a container but not an allowlist.
import fs from 'node:fs/promises';
import path from 'node:path';
import { EGRESS_SOCKET } from '../domain/bot-channel.js';
import { BOT_UID } from './container-hardening.js';
import { startEgressProxy, type EgressProxy } from './egress-proxy.js';

export interface BotChannels {
  /** Creates the directory, records its allowlist and (re)starts its egress proxy; returns the directory's host path. */
  prepare(name: string, allow: readonly string[]): Promise<string>;
  /**
   * Creates the directory with one egress proxy per bot of `bots` (botId -> allowlist) in `e-<botId>/`, stopping and
   * removing those of bots no longer listed; returns the directory's host path.
   */
  preparePerBot(name: string, bots: Readonly<Record<string, readonly string[]>>): Promise<string>;
  /** Stops the proxy (or proxies) and removes the directory (and the sockets in it). */
  remove(name: string): Promise<void>;
  close(): Promise<void>;
}

const ALLOWLIST_SUFFIX = '.egress.json';
const PER_BOT_SUFFIX = '.egress-bots.json';
const NAME = /^[a-z]-[A-Za-z0-9_-]{1,80}$/;
const BOT_ID = /^[A-Za-z0-9_-]{1,80}$/;
/** A pool bot's egress directory inside its container's directory (activities/freqtrade-pool-host.ts). */
const botEgressDir = (botId: string): string => `e-${botId}`;

/** `owns`: which directory names this process serves (a worker next to another engine serves its own). */
export function createBotChannels(root: string, owns: (name: string) => boolean): BotChannels {
  if (!path.isAbsolute(root)) throw new Error(`BOT_SOCKET_DIR must be an absolute path (got ${root})`);
  const proxies = new Map<string, Promise<EgressProxy>>();
  const dirOf = (name: string): string => {
    if (!NAME.test(name)) throw new Error(`not a bot socket directory name: ${name}`);
    return path.join(root, name);
  };

  async function makeDir(name: string): Promise<string> {
    await fs.mkdir(root, { recursive: true, mode: 0o700 });
    const dir = dirOf(name);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    // Owned by the container's user so the bot can create its API socket there; nobody else may enter.
    await fs.chown(dir, BOT_UID, BOT_UID);
    await fs.chmod(dir, 0o700);
    return dir;
  }

  async function ownedDir(dir: string): Promise<void> {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    await fs.chown(dir, BOT_UID, BOT_UID);
    await fs.chmod(dir, 0o700);
  }

  /** Proxies are keyed by directory name, or `<name>/e-<botId>` for a pool bot's own. */
  async function listen(name: string, allow: readonly string[], socketPath = path.join(dirOf(name), EGRESS_SOCKET)): Promise<void> {
    const running = proxies.get(name);
    if (running) {
      const proxy = await running.catch(() => null);
      // A socket file removed under a live proxy (a wiped directory) needs a new listener.
      if (proxy && (await fs.stat(proxy.socketPath).then(() => true, () => false))) return proxy.allow(allow);
      await proxy?.close();
    }
    const started = startEgressProxy(socketPath, allow);
    proxies.set(name, started);
    await started.catch((error: unknown) => {
      proxies.delete(name);
      throw error;
    });
  }

  async function listenPerBot(name: string, bots: Readonly<Record<string, readonly string[]>>): Promise<void> {
    const dir = dirOf(name);
    for (const botId of Object.keys(bots)) if (!BOT_ID.test(botId)) throw new Error(`not a bot id: ${botId}`);
    for (const key of [...proxies.keys()]) {
      if (!key.startsWith(`${name}/`) || Object.hasOwn(bots, key.slice(name.length + 3))) continue;
      const proxy = await proxies.get(key)!.catch(() => null);
      proxies.delete(key);
      await proxy?.close();
      await fs.rm(path.join(dir, key.slice(name.length + 1)), { recursive: true, force: true });
    }
    for (const [botId, allow] of Object.entries(bots)) {
      await ownedDir(path.join(dir, botEgressDir(botId)));
      await listen(`${name}/${botEgressDir(botId)}`, allow, path.join(dir, botEgressDir(botId), EGRESS_SOCKET));
    }
  }

  // Every directory this process served before a restart listens again, so running bots reach their exchange.
  const restored = (async () => {
    const entries = await fs.readdir(root).catch(() => [] as string[]);
    for (const entry of entries) {
      if (entry.endsWith(PER_BOT_SUFFIX)) {
        const name = entry.slice(0, -PER_BOT_SUFFIX.length);
        if (!NAME.test(name) || !owns(name)) continue;
        await makeDir(name);
        await listenPerBot(name, JSON.parse(await fs.readFile(path.join(root, entry), 'utf8')) as Record<string, string[]>);
        continue;
      }
      if (!entry.endsWith(ALLOWLIST_SUFFIX)) continue;
      const name = entry.slice(0, -ALLOWLIST_SUFFIX.length);
      if (!NAME.test(name) || !owns(name)) continue;
      const allow = JSON.parse(await fs.readFile(path.join(root, entry), 'utf8')) as string[];
      await makeDir(name);
      await listen(name, allow);
    }
  })();
  restored.catch(() => undefined); // surfaced by the next prepare

  return {
    async prepare(name, allow) {
      await restored;
      const dir = await makeDir(name);
      await fs.writeFile(path.join(root, `${name}${ALLOWLIST_SUFFIX}`), JSON.stringify(allow), { mode: 0o600 });
      await listen(name, allow);
      return dir;
    },
    async preparePerBot(name, bots) {
      for (const botId of Object.keys(bots)) if (!BOT_ID.test(botId)) throw new Error(`not a bot id: ${botId}`);
      await restored;
      const dir = await makeDir(name);
      await fs.writeFile(path.join(root, `${name}${PER_BOT_SUFFIX}`), JSON.stringify(bots), { mode: 0o600 });
      await listenPerBot(name, bots);
      return dir;
    },
    async remove(name) {
      await restored.catch(() => undefined);
      for (const key of [...proxies.keys()]) {
        if (key !== name && !key.startsWith(`${name}/`)) continue;
        const proxy = await proxies.get(key)!.catch(() => null);
        proxies.delete(key);
        await proxy?.close();
      }
      await fs.rm(path.join(root, `${name}${ALLOWLIST_SUFFIX}`), { force: true });
      await fs.rm(path.join(root, `${name}${PER_BOT_SUFFIX}`), { force: true });
      await fs.rm(dirOf(name), { recursive: true, force: true });
    },
    async close() {
      const all = [...proxies.values()];
      proxies.clear();
      for (const p of all) await (await p.catch(() => null))?.close();
    },
  };
}
