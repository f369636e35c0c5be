// Prebuilds the workflow bundle so the worker starts in well under a second; rebuilt only when workflow sources change.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../temporal/data-converter.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workflowsPath = path.join(root, 'workflows', 'index.ts');
export const bundlePath = path.join(root, 'dist', 'workflow-bundle.js');
const hashPath = `${bundlePath}.sha256`;

async function sourcesHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of ['workflows', 'domain']) {
    const files = (await readdir(path.join(root, dir))).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
    for (const file of files) hash.update(file).update(await readFile(path.join(root, dir, file)));
  }
  hash.update(await readFile(failureConverterPath));
  return hash.digest('hex');
}

/** Returns the bundle's path, building it first when missing or stale. */
export async function buildWorkflowBundle(options: { force?: boolean } = {}): Promise<string> {
  const want = await sourcesHash();
  const have = await readFile(hashPath, 'utf8').catch(() => '');
  if (!options.force && have === want) return bundlePath;
  // The sandbox converts workflow errors itself, so it needs the failure converter that encrypts their messages.
  const { code } = await bundleWorkflowCode({ workflowsPath, failureConverterPath, logger: undefined });
  await mkdir(path.dirname(bundlePath), { recursive: true });
  await writeFile(bundlePath, code);
  await writeFile(hashPath, want);
  return bundlePath;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const started = Date.now();
  await buildWorkflowBundle({ force: process.argv.includes('--force') });
  console.log(`workflow bundle ready in ${Date.now() - started} ms: ${path.relative(process.cwd(), bundlePath)}`);
}
