// The compiled platform (`npm run build`: dist/app, what the images run) works end to end: `npm start` with
// TF_COMPILED=1 runs worker and API server from dist/app, and a bot created through the API runs and answers.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/services/paths.js';
import { createControlPlane, signUp, type ApiUser, type ControlPlane } from './control-plane.js';
import { removeDockerThings, specOf } from './fleet-check.js';
import { waitFor } from './platform.js';

const run = promisify(execFile);
const docker = new Docker();
let plane: ControlPlane;
let user: ApiUser;

/** Command lines of every process whose command line names `dir` or runs from dist/app. */
const commandLines = (): string[] =>
  fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).flatMap((pid) => {
    try {
      return [fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')];
    } catch {
      return [];
    }
  });

beforeAll(async () => {
  // tsc over the platform: about 30 s here, more on a busy machine.
  await run(process.execPath, ['--import', 'tsx', 'scripts/build.ts', 'compiled platform'], { cwd: repoRoot, timeout: 300_000 });
  plane = await createControlPlane({ TF_COMPILED: '1' });
  await plane.start();
  user = await signUp(plane);
}, 420_000);

afterAll(async () => {
  await plane?.destroy();
  if (plane && user) await removeDockerThings(docker, plane, [user.userId]);
}, 120_000);

describe('the compiled platform', () => {
  it('runs worker and server from dist/app, not through tsx', () => {
    const ours = commandLines().filter((c) => c.includes(`${repoRoot}/dist/app/`) || c.includes(' dist/app/'));
    expect(ours.some((c) => c.includes('dist/app/server/main.js'))).toBe(true);
    expect(ours.some((c) => c.includes('dist/app/worker/main.js'))).toBe(true);
    expect(ours.every((c) => !c.includes('tsx'))).toBe(true);
  });

  it('provisions a bot through the API that runs and answers', async () => {
    const created = await user.call('POST', '/api/bots', specOf('pool', 'compiled-pool-bot'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.bot.id as string;
    await waitFor('the bot runs', async () => {
      const res = await user.call('GET', `/api/bots/${id}`);
      if (res.body?.bot?.status === 'failed') throw new Error(`bot failed: ${res.body.bot.lastError}`);
      return res.body?.bot?.status === 'running';
    }, 180_000);
    const trading = await user.call('GET', `/api/bots/${id}/trading`);
    expect(trading.status, JSON.stringify(trading.body)).toBe(200);
  }, 240_000);
});
