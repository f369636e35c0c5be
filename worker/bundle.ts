// Prebuilds the workflow bundles so the worker starts in well under a second; rebuilt only when workflow sources change.
// Two bundles: the platform's (every workflow) and the guard worker's (only the position guard). The SDK evaluates a
// bundle's workflow modules once for every workflow it keeps in memory, so a guard in the platform's bundle carried
// every other workflow's imports (zod schemas above all): 1.3 MB of heap and ~30 ms of CPU each, against ~50 KB in its
// own bundle (bench/guard-worker-profile.ts measures it).
// Each has a traced twin for a worker that exports traces (telemetry/tracing.ts): the same workflows plus the OpenTelemetry
// workflow interceptors. A prebuilt bundle is where the SDK takes workflow interceptor modules from (it ignores
// `interceptors.workflowModules` next to one), and a worker without tracing keeps a bundle without them: no cost.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { access, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../temporal/data-converter.js';
import { tracingActive } from '../telemetry/tracing.js';

// Compiled (dist/app/worker/bundle.js, `npm run build`) there are no sources to bundle: the prebuilt bundles are used.
const compiled = import.meta.url.endsWith('.js');
// The repository (or image) root, where dist/ holds the bundles.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), compiled ? '../../..' : '..');

/** Each bundle's workflows module (under workflows/) and where its bundle is written (under dist/). */
export const WORKFLOW_BUNDLES = {
  platform: { entry: 'index.ts', file: 'workflow-bundle.js' },
  guards: { entry: 'guards-index.ts', file: 'guard-workflow-bundle.js' },
} as const;
export type WorkflowBundleName = keyof typeof WORKFLOW_BUNDLES;

export const workflowsPathOf = (name: WorkflowBundleName): string => path.join(root, 'workflows', WORKFLOW_BUNDLES[name].entry);
export const bundlePathOf = (name: WorkflowBundleName, traced = false): string =>
  path.join(root, 'dist', traced ? WORKFLOW_BUNDLES[name].file.replace(/\.js$/, '.traced.js') : WORKFLOW_BUNDLES[name].file);

/** The OpenTelemetry workflow interceptors (inbound, outbound, internals) of `@temporalio/interceptors-opentelemetry`. */
export const otelWorkflowInterceptorModules = (): string[] => [
  createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];
/** The platform bundle's path. */
export const bundlePath = bundlePathOf('platform');

async function sourcesHash(traced: boolean): Promise<string> {
  const hash = createHash('sha256');
  if (traced) hash.update(`traced ${otelWorkflowInterceptorModules().join(' ')}`);
  for (const dir of ['workflows', 'domain']) {
    const files = (await readdir(path.join(root, dir))).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
    for (const file of files) hash.update(file).update(await readFile(path.join(root, dir, file)));
  }
  hash.update(await readFile(failureConverterPath));
  return hash.digest('hex');
}

/**
 * Returns the bundle's path (the platform's unless named; traced when this process traces, unless told), building it
 * first when missing or stale.
 */
export async function buildWorkflowBundle(options: { force?: boolean; name?: WorkflowBundleName; traced?: boolean } = {}): Promise<string> {
  const name = options.name ?? 'platform';
  const traced = options.traced ?? tracingActive();
  const target = bundlePathOf(name, traced);
  if (compiled) {
    await access(target).catch(() => {
      throw new Error(`workflow bundle ${target} is missing: run npm run build (it writes the bundles next to dist/app)`);
    });
    return target;
  }
  const hashPath = `${target}.sha256`;
  const want = await sourcesHash(traced);
  const have = await readFile(hashPath, 'utf8').catch(() => '');
  if (!options.force && have === want) return target;
  // The sandbox converts workflow errors itself, so it needs the failure converter that encrypts their messages.
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsPathOf(name),
    failureConverterPath,
    ...(traced ? { workflowInterceptorModules: otelWorkflowInterceptorModules() } : {}),
    logger: undefined,
  });
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, code);
  await writeFile(hashPath, want);
  return target;
}

/** Builds every bundle a worker may load, with and without tracing. */
export async function buildWorkflowBundles(options: { force?: boolean } = {}): Promise<void> {
  for (const name of Object.keys(WORKFLOW_BUNDLES) as WorkflowBundleName[]) {
    for (const traced of [false, true]) await buildWorkflowBundle({ ...options, name, traced });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const started = Date.now();
  await buildWorkflowBundles({ force: process.argv.includes('--force') });
  const files = (Object.keys(WORKFLOW_BUNDLES) as WorkflowBundleName[]).flatMap((n) => [bundlePathOf(n), bundlePathOf(n, true)]);
  console.log(`workflow bundles ready in ${Date.now() - started} ms: ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
}
