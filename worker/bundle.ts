// Prebuilds the workflow bundles so the worker starts in well under a second; rebuilt only when workflow sources change.
// Two bundles: the platform's (every workflow) and the guard worker's (only the position guard). The SDK evaluates a
// bundle's workflow modules once for every workflow it keeps in memory, so a guard in the platform's bundle carried
// every other workflow's imports (zod schemas above all): 1.3 MB of heap and ~30 ms of CPU each, against ~50 KB in its
// own bundle (bench/guard-worker-profile.ts measures it).
// The platform's bundle holds the tracing workflow interceptors (workflows/tracing-interceptors.ts: they act only on runs
// started with a trace); a prebuilt bundle is where the SDK takes workflow interceptor modules from (it ignores
// `interceptors.workflowModules` next to one). Guards are not traced: their bundle stays as small as it is.
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../temporal/data-converter.js';

// Compiled (dist/app/worker/bundle.js, `npm run build`) there are no sources to bundle: the prebuilt bundles are used.
const compiled = import.meta.url.endsWith('.js');
// The repository (or image) root, where dist/ holds the bundles.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), compiled ? '../../..' : '..');

/** Each bundle's workflows module (under workflows/), where its bundle is written (under dist/), whether it is traced. */
export const WORKFLOW_BUNDLES = {
  platform: { entry: 'index.ts', file: 'workflow-bundle.js', traced: true },
  guards: { entry: 'guards-index.ts', file: 'guard-workflow-bundle.js', traced: false },
} as const;
export type WorkflowBundleName = keyof typeof WORKFLOW_BUNDLES;

export const workflowsPathOf = (name: WorkflowBundleName): string => path.join(root, 'workflows', WORKFLOW_BUNDLES[name].entry);
export const bundlePathOf = (name: WorkflowBundleName): string => path.join(root, 'dist', WORKFLOW_BUNDLES[name].file);

/** The workflow interceptor modules of a traced bundle (and of a replay of its histories). */
export const tracingInterceptorModules = (): string[] => [path.join(root, 'workflows', 'tracing-interceptors.ts')];
/** The platform bundle's path. */
export const bundlePath = bundlePathOf('platform');

async function sourcesHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of ['workflows', 'domain']) {
    const files = (await readdir(path.join(root, dir))).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
    for (const file of files) hash.update(file).update(await readFile(path.join(root, dir, file)));
  }
  hash.update(await readFile(failureConverterPath));
  return hash.digest('hex');
}

/** Returns the bundle's path (the platform's unless named), building it first when missing or stale. */
export async function buildWorkflowBundle(options: { force?: boolean; name?: WorkflowBundleName } = {}): Promise<string> {
  const name = options.name ?? 'platform';
  const target = bundlePathOf(name);
  if (compiled) {
    await access(target).catch(() => {
      throw new Error(`workflow bundle ${target} is missing: run npm run build (it writes the bundles next to dist/app)`);
    });
    return target;
  }
  const hashPath = `${target}.sha256`;
  const want = await sourcesHash();
  const have = await readFile(hashPath, 'utf8').catch(() => '');
  if (!options.force && have === want) return target;
  // The sandbox converts workflow errors itself, so it needs the failure converter that encrypts their messages.
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsPathOf(name),
    failureConverterPath,
    ...(WORKFLOW_BUNDLES[name].traced ? { workflowInterceptorModules: tracingInterceptorModules() } : {}),
    logger: undefined,
  });
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, code);
  await writeFile(hashPath, want);
  return target;
}

/** Builds every bundle the worker loads. */
export async function buildWorkflowBundles(options: { force?: boolean } = {}): Promise<void> {
  for (const name of Object.keys(WORKFLOW_BUNDLES) as WorkflowBundleName[]) await buildWorkflowBundle({ ...options, name });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const started = Date.now();
  await buildWorkflowBundles({ force: process.argv.includes('--force') });
  console.log(`workflow bundles ready in ${Date.now() - started} ms: ${Object.keys(WORKFLOW_BUNDLES).map((n) => path.relative(process.cwd(), bundlePathOf(n as WorkflowBundleName))).join(', ')}`);
}
