// The release images, built here from the project's own Dockerfiles (platform, web, bot-host), run the platform: server,
// worker and web containers configured as in docker-compose.yml (compiled JavaScript, user 1000, the worker with the
// Docker socket and the bot socket directory) against the test run's PostgreSQL and Temporal; a user signs up and
// provisions a bot through the dashboard's API, and a rollback to the previous images is healthy again within 5 minutes.
// Public images cannot be pulled here: the base is scripts/images.sh's Debian image plus this machine's Node and npm.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { repoRoot } from '../scripts/services/paths.js';
import { freePort, httpAnswers } from '../scripts/services/ports.js';
import type { ControlPlane } from './control-plane.js';
import { removeDockerThings, specOf } from './fleet-check.js';
import { waitFor } from './platform.js';

const run = promisify(execFile);
const docker = new Docker();
const unique = randomUUID().slice(0, 8);
const IMAGES = { platform: 'tradefleet/platform:release-test', web: 'tradefleet/web:release-test', botHost: 'tradefleet/bot-host:release-test' };
const NODE_BASE = 'tradefleet/node-build:release-test';
const poolId = `rt-${unique}`;
const socketDir = `/tmp/tf-rt-${unique}`;
const names = { server: `tf-rt-server-${unique}`, worker: `tf-rt-worker-${unique}`, web: `tf-rt-web-${unique}` };
let exchange: PaperExchangeHandle;
let ports: { api: number; web: number; metrics: number };
let userId: string | undefined;

const dockerCli = (args: string[], timeoutMs = 1_200_000) =>
  run('docker', args, { cwd: repoRoot, timeout: timeoutMs, maxBuffer: 64 * 2 ** 20, env: { ...process.env, DOCKER_BUILDKIT: '0' } });

/** Locally added CA certificates (a TLS-inspecting proxy on the way to the npm registry), for npm inside the builds. */
function localCas(): string {
  const dir = '/usr/local/share/ca-certificates';
  if (!fs.existsSync(dir)) return '';
  return fs.readdirSync(dir).filter((f) => f.endsWith('.crt')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
}

/** The build stages need Node 24 and npm: Debian's base image plus this machine's Node 24 and npm. */
async function buildNodeBase(): Promise<void> {
  const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-node-base-'));
  try {
    fs.copyFileSync(fs.realpathSync(path.join(repoRoot, 'node_modules/node/bin/node')), path.join(ctx, 'node'));
    const npmCli = fs.realpathSync((await run('sh', ['-c', 'command -v npm'])).stdout.trim());
    fs.cpSync(path.resolve(path.dirname(npmCli), '..'), path.join(ctx, 'npm'), { recursive: true });
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), [
      'FROM tradefleet/base:bookworm',
      'COPY node /usr/local/bin/node',
      'COPY npm /usr/local/lib/node_modules/npm',
      'RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm',
    ].join('\n'));
    await dockerCli(['build', '-q', '-t', NODE_BASE, ctx]);
  } finally {
    fs.rmSync(ctx, { recursive: true, force: true });
  }
}

async function buildImages(): Promise<void> {
  await buildNodeBase();
  const ca = ['--build-arg', `NPM_CA=${localCas()}`];
  // npm ci inside the builds reaches the registry: the host's network, as scripts/images.sh's builds use.
  await dockerCli(['build', '-q', '--network', 'host', ...ca, '--build-arg', `BASE_IMAGE=${NODE_BASE}`, '-f', 'docker/platform.Dockerfile', '-t', IMAGES.platform, '.']);
  await dockerCli(['build', '-q', '--network', 'host', ...ca, '--build-arg', `BASE_IMAGE=${NODE_BASE}`, '-f', 'docker/web.Dockerfile', '-t', IMAGES.web, '.']);
  await dockerCli(['build', '-q', '--network', 'host', ...ca, '--build-arg', `BUILD_IMAGE=${NODE_BASE}`, '--build-arg', 'BASE_IMAGE=tradefleet/base:bookworm', '-f', 'docker/bot-host.Dockerfile', '-t', IMAGES.botHost, '.']);
}

/** Server, worker and web from `tag`'s images, on the host's network (the test's services listen on 127.0.0.1). */
async function startContainers(tag: string): Promise<void> {
  const image = (name: string) => name.replace(/:release-test$/, `:${tag}`);
  const platformEnv = [
    `DATABASE_URL=${process.env.DATABASE_URL}`, `TEMPORAL_ADDRESS=${process.env.TEMPORAL_ADDRESS}`, `TF_SECRET_KEY=${process.env.TF_SECRET_KEY}`,
    `TEMPORAL_TASK_QUEUE=rt-${unique}`, `DASHBOARD_URL=http://127.0.0.1:${ports.web}`, `BOT_SOCKET_DIR=${socketDir}`,
    `PAPER_EXCHANGE_URL=${exchange.url}`, 'LOG_LEVEL=warn',
    // The run's other tests sign up from 127.0.0.1 into the same database: the default 10 an hour is long used up.
    'MAX_SIGNUPS_PER_ADDRESS_PER_HOUR=1000000',
  ].flatMap((e) => ['-e', e]);
  const common = ['run', '-d', '--network', 'host', '--restart', 'no'];
  await dockerCli([...common, '--name', names.server, ...platformEnv, '-e', 'API_HOST=127.0.0.1', '-e', `API_PORT=${ports.api}`,
    '-v', `${socketDir}:${socketDir}`, image(IMAGES.platform), 'node', 'dist/app/server/main.js']);
  const socketGid = fs.statSync('/var/run/docker.sock').gid;
  await dockerCli([...common, '--name', names.worker, ...platformEnv, '-e', 'BOT_DRIVER=docker', '-e', `BOT_IMAGE=${image(IMAGES.botHost)}`,
    '-e', `BOT_POOL_ID=${poolId}`, '-e', `DOCKER_HOST_NAME=rt-${unique}`, '-e', `WORKER_METRICS_ADDRESS=127.0.0.1:${ports.metrics}`,
    '-v', '/var/run/docker.sock:/var/run/docker.sock', '--group-add', String(socketGid), '-v', `${socketDir}:${socketDir}`,
    image(IMAGES.platform), 'node', 'dist/app/worker/main.js']);
  await dockerCli([...common, '--name', names.web, '-e', `PORT=${ports.web}`, '-e', 'HOST=127.0.0.1', '-e', `ORIGIN=http://127.0.0.1:${ports.web}`,
    '-e', `API_URL=http://127.0.0.1:${ports.api}`, image(IMAGES.web)]);
}

async function removeContainers(): Promise<void> {
  for (const name of Object.values(names)) await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
}

/** The dashboard answers, its API proxy reaches a healthy API, and the worker serves its metrics. */
const healthy = async () =>
  (await httpAnswers(`http://127.0.0.1:${ports.web}/api/health`, 299)) && (await httpAnswers(`http://127.0.0.1:${ports.metrics}/metrics`, 299));

beforeAll(async () => {
  await buildImages();
  exchange = await startPaperExchange({ port: 0, seed: `rt-${unique}` });
  const [api, web, metrics] = await Promise.all([freePort(), freePort(), freePort()]);
  ports = { api, web, metrics };
  fs.mkdirSync(socketDir, { recursive: true });
  fs.chownSync(socketDir, 1000, 1000); // the worker runs as 1000 and makes the bots' socket directories here
  await startContainers('release-test');
  await waitFor('server, worker and web containers healthy', healthy, 180_000);
}, 3_600_000);

afterAll(async () => {
  await removeContainers();
  await removeDockerThings(docker, { poolId } as ControlPlane, userId ? [userId] : []);
  for (const tag of ['previous']) {
    for (const name of Object.values(IMAGES)) await docker.getImage(name.replace(/:release-test$/, `:${tag}`)).remove().catch(() => undefined);
  }
  await exchange?.close();
  fs.rmSync(socketDir, { recursive: true, force: true });
}, 180_000);

describe('release images', () => {
  it('run as a non-root user, compiled, without the dev dependencies', async () => {
    for (const name of Object.values(IMAGES)) {
      const info = await docker.getImage(name).inspect();
      expect(info.Config.User, name).toMatch(/^(1000(:1000)?|node)$/);
      console.log(`[release-images] ${name}: ${(info.Size / 1e6).toFixed(0)} MB`);
    }
    const { stdout } = await dockerCli(['run', '--rm', '--entrypoint', 'sh', IMAGES.platform, '-c',
      // (typescript itself arrives through @scalar/api-reference, the API reference page's dependency.)
      'ls node_modules/.bin | grep -cE "^(tsx|vitest|eslint|svelte-check|esbuild)$" || true; ls dist/app/server/main.js']);
    expect(stdout.trim().split('\n')).toEqual(['0', 'dist/app/server/main.js']);
  });

  it('provision a bot end to end through the dashboard API', async () => {
    const base = `http://127.0.0.1:${ports.web}`;
    const headers = { origin: base, 'content-type': 'application/json' };
    const signup = await fetch(`${base}/api/auth/signup`, { method: 'POST', headers, body: JSON.stringify({ email: `rt-${unique}@example.com`, password: 'correct horse battery' }) });
    expect(signup.status).toBe(201);
    userId = ((await signup.json()) as { user: { id: string } }).user.id;
    const cookie = String(signup.headers.get('set-cookie')).split(';')[0]!;
    const call = async (method: string, route: string, body?: unknown) => {
      const res = await fetch(`${base}${route}`, { method, headers: { ...headers, cookie }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    const created = await call('POST', '/api/bots', specOf('pool', 'release-image-bot'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.bot.id as string;
    await waitFor('the bot runs', async () => {
      const res = await call('GET', `/api/bots/${id}`);
      if (res.body?.bot?.status === 'failed') throw new Error(`bot failed: ${res.body.bot.lastError}`);
      return res.body?.bot?.status === 'running';
    }, 240_000);
    const pool = await docker.listContainers({ filters: { label: [`tradefleet.pool=${poolId}`] } });
    expect(pool.map((c) => c.Image)).toContain(IMAGES.botHost);
    expect((await call('GET', `/api/bots/${id}/trading`)).status).toBe(200);

    // Rollback: the previous release's images (here the same build, tagged as the previous version) replace the
    // running containers, and the platform is healthy again with the bot still running.
    for (const name of Object.values(IMAGES)) await docker.getImage(name).tag({ repo: name.split(':')[0]!, tag: 'previous' });
    const t0 = performance.now();
    await removeContainers();
    await startContainers('previous');
    await waitFor('healthy after the rollback', healthy, 300_000);
    await waitFor('the bot still runs', async () => (await call('GET', `/api/bots/${id}`)).body?.bot?.status === 'running', 60_000);
    const seconds = (performance.now() - t0) / 1000;
    console.log(`[release-images] rollback to the previous images healthy in ${seconds.toFixed(1)} s (load ${os.loadavg()[0]!.toFixed(1)})`);
    expect(seconds).toBeLessThan(300);
  }, 900_000);
});
