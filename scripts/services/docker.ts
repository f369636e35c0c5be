// Is a Docker engine reachable, and if not, can we start the local dockerd (root, installed)? Used by start and tests.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { dataDir } from './paths.js';
import { waitFor } from './ports.js';

/** Where DOCKER_HOST points: a unix socket path, or a tcp host:port. */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): { socketPath: string } | { host: string; port: number } {
  const host = env.DOCKER_HOST;
  if (!host) return { socketPath: '/var/run/docker.sock' };
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375) };
}

/** GET /_ping answered with OK. */
export function pingDocker(timeoutMs = 2000, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ ...dockerEndpoint(env), path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

const hasCommand = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;

/**
 * True when Docker answers. If it does not and we may start the local daemon (root, dockerd installed, default socket),
 * start it detached like a system service: it outlives `npm start` and the tests on purpose.
 */
export async function ensureDocker(log: (line: string) => void = () => {}): Promise<boolean> {
  if (await pingDocker()) return true;
  const endpoint = dockerEndpoint();
  const local = 'socketPath' in endpoint && endpoint.socketPath === '/var/run/docker.sock';
  if (!local || process.getuid?.() !== 0 || !hasCommand('dockerd')) return false;
  const running = spawnSync('pidof', ['dockerd'], { stdio: 'ignore' }).status === 0;
  if (!running) {
    fs.mkdirSync(dataDir, { recursive: true });
    const logFd = fs.openSync(path.join(dataDir, 'dockerd.log'), 'a');
    log('starting dockerd (log: .data/dockerd.log)');
    spawn('dockerd', [], { detached: true, stdio: ['ignore', logFd, logFd] }).unref();
    fs.closeSync(logFd);
  }
  try {
    await waitFor('dockerd', () => pingDocker(), { timeoutMs: 30_000, intervalMs: 300 });
    return true;
  } catch {
    return false;
  }
}
