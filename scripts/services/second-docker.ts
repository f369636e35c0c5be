// A second Docker engine on this machine, standing in for a second Docker host (multi-host tests and benchmarks):
// its own socket, data root, exec root, pid file and bridge (`tf1`, made first; `--bridge=none` would delete the first
// engine's docker0, see MACHINE.md). The bot image is copied over from the first engine when it differs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dataDir } from './paths.js';
import { pingDocker } from './docker.js';
import { waitFor } from './ports.js';

export interface SecondDocker {
  /** DOCKER_HOST value for this engine. */
  dockerHost: string;
  /** Stops the daemon (its containers stop with it; live-restore is off). */
  stop(): Promise<void>;
  /** Stops and starts the daemon again, as an operator restarting dockerd would. */
  restart(): Promise<void>;
}

const BRIDGE = 'tf1';
const BRIDGE_ADDRESS = '172.31.250.1/24';

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

function ensureBridge(): void {
  if (run('ip', ['link', 'show', BRIDGE])) return;
  if (!run('ip', ['link', 'add', 'name', BRIDGE, 'type', 'bridge'])) throw new Error(`could not create bridge ${BRIDGE} (needs root)`);
  run('ip', ['addr', 'add', BRIDGE_ADDRESS, 'dev', BRIDGE]);
  run('ip', ['link', 'set', BRIDGE, 'up']);
}

const imageId = (dockerHost: string | undefined, image: string): string | null => {
  const r = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { env: { ...process.env, ...(dockerHost ? { DOCKER_HOST: dockerHost } : { DOCKER_HOST: '' }) }, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
};

/** Starts (or finds running) the second engine named `name` and makes sure it has `images` of the first engine. */
export async function startSecondDocker(name: string, images: string[]): Promise<SecondDocker> {
  const root = path.join(dataDir, `docker-${name}`);
  const socket = `/run/tradefleet-docker-${name}.sock`;
  const dockerHost = `unix://${socket}`;
  const env = { DOCKER_HOST: dockerHost };
  fs.mkdirSync(root, { recursive: true });
  let daemon: ChildProcess | null = null;

  const start = async () => {
    if (await pingDocker(1000, env)) return;
    ensureBridge();
    const log = fs.openSync(path.join(root, 'dockerd.log'), 'a');
    daemon = spawn('dockerd', [
      `--host=${dockerHost}`, `--data-root=${path.join(root, 'data')}`, `--exec-root=/run/tradefleet-docker-${name}`,
      `--pidfile=/run/tradefleet-docker-${name}.pid`, `--bridge=${BRIDGE}`, '--iptables=false', '--ip6tables=false',
    ], { detached: true, stdio: ['ignore', log, log] });
    daemon.unref();
    fs.closeSync(log);
    await waitFor(`dockerd ${name}`, () => pingDocker(1000, env), { timeoutMs: 60_000, intervalMs: 300 });
  };

  const stop = async () => {
    const pidFile = `/run/tradefleet-docker-${name}.pid`;
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : (daemon as ChildProcess | null)?.pid;
    if (!pid) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    await waitFor(`dockerd ${name} to stop`, async () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, { timeoutMs: 60_000, intervalMs: 200 });
  };

  await start();
  for (const image of images) {
    const want = imageId(undefined, image);
    if (!want) throw new Error(`the first Docker engine has no image ${image}`);
    if (imageId(dockerHost, image) === want) continue;
    const copy = spawnSync('sh', ['-c', `docker save ${image} | DOCKER_HOST=${dockerHost} docker load`], { stdio: 'ignore', env: { ...process.env, DOCKER_HOST: '' } });
    if (copy.status !== 0) throw new Error(`could not copy ${image} to the Docker engine ${name}`);
  }
  return {
    dockerHost,
    stop,
    async restart() {
      await stop();
      await start();
    },
  };
}
