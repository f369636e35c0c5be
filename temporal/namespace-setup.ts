// Makes a Temporal server ready for the platform: the namespace exists and carries every search attribute of
// domain/search-attributes.ts (the one list the code writes). For servers started without the dev server's flags:
// the compose stack's `temporal-setup` one-shot and a production cluster run it; rerunning it changes nothing.
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
// A CommonJS module: Node's ESM loader sees only its default export.
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;
type Log = (line: string) => void;

/** Temporal's indexed type for a type name of domain/search-attributes.ts ('Keyword' → INDEXED_VALUE_TYPE_KEYWORD). */
function indexedType(type: string): proto.temporal.api.enums.v1.IndexedValueType {
  const value = IndexedValueType[`INDEXED_VALUE_TYPE_${type.toUpperCase()}` as keyof typeof IndexedValueType];
  if (typeof value !== 'number') throw new Error(`search attribute type "${type}" is not one Temporal knows`);
  return value;
}

const isNotFound = (error: unknown) => (error as { code?: number }).code === 5; // gRPC NOT_FOUND

async function retryWhileNotFound<T>(step: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (!isNotFound(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** Registers `namespace` (retention `retentionDays`) if missing, then adds the search attributes it lacks. */
export async function setUpNamespace(connection: Connection, namespace: string, log: Log, retentionDays = 7): Promise<string[]> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`) });
    log(`registered namespace ${namespace} (retention ${retentionDays} days)`);
  }
  // A namespace registered a moment ago may not be in every service's cache yet: NOT_FOUND then means "soon".
  const missing = await retryWhileNotFound(async () => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const lacking = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !(name in (customAttributes ?? {})));
    if (lacking.length) {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(lacking.map(([name, type]) => [name, indexedType(type)])),
      });
    }
    return lacking;
  });
  log(missing.length ? `added search attributes ${missing.map(([n]) => n).join(', ')} to ${namespace}` : `search attributes of ${namespace} present`);
  return missing.map(([name]) => name);
}

/** Waits until the server answers (it may still be starting), at most `timeoutMs`. */
export async function connectWhenUp(address: string, log: Log, timeoutMs = 300_000): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 5_000 });
      await connection.workflowService.getSystemInfo({});
      return connection;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Temporal at ${address} did not answer within ${timeoutMs / 1000} s: ${(error as Error).message}`);
      log(`waiting for Temporal at ${address}`);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
}
