// A Temporal server started without the dev server's flags gets the platform's namespace and every search attribute
// the code writes (domain/search-attributes.ts) from temporal/setup-main.ts, the compose stack's one-shot; twice is once.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
// A CommonJS module: Node's ESM loader sees only its default export.
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes.js';
import { repoRoot } from '../scripts/services/paths.js';
import { setUpNamespace } from './namespace-setup.js';

const run = promisify(execFile);
let connection: Connection;
const address = () => process.env.TEMPORAL_ADDRESS ?? '';

beforeAll(async () => {
  connection = await Connection.connect({ address: address() });
});
afterAll(async () => {
  await connection?.close();
});

async function attributesOf(namespace: string) {
  return (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
}

describe('namespace setup', () => {
  it('registers a missing namespace with every search attribute of the code, once', async () => {
    const namespace = `tf-setup-${randomUUID().slice(0, 8)}`;
    const lines: string[] = [];
    const added = await setUpNamespace(connection, namespace, (l) => lines.push(l));
    expect(added.sort()).toEqual(Object.keys(SEARCH_ATTRIBUTES).sort());
    const attributes = await attributesOf(namespace);
    for (const name of Object.keys(SEARCH_ATTRIBUTES)) {
      expect(attributes[name], name).toBe(proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    expect(lines[0]).toMatch(`registered namespace ${namespace}`);
    expect(await setUpNamespace(connection, namespace, () => undefined)).toEqual([]);
  });

  it('the compose one-shot (temporal/setup-main.ts) sets up the namespace it is given', async () => {
    const namespace = `tf-setup-${randomUUID().slice(0, 8)}`;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'temporal/setup-main.ts')], {
      cwd: repoRoot,
      env: { ...process.env, TEMPORAL_ADDRESS: address(), TEMPORAL_NAMESPACE: namespace },
      timeout: 120_000,
    });
    expect(stdout).toContain(`added search attributes ${Object.keys(SEARCH_ATTRIBUTES).join(', ')} to ${namespace}`);
    expect(Object.keys(await attributesOf(namespace))).toEqual(expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTES)));
  });
});
