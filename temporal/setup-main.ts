// `temporal-setup` one-shot of the compose stack: waits for Temporal, then registers the namespace and the platform's
// search attributes (temporal/namespace-setup.ts). Reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE.
import { connectWhenUp, setUpNamespace } from './namespace-setup.js';

const log = (msg: string) => console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', proc: 'temporal-setup', msg }));
const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';

const connection = await connectWhenUp(address, log);
try {
  await setUpNamespace(connection, namespace, log);
} finally {
  await connection.close();
}
