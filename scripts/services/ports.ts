// Port checks and readiness polling shared by start and the test harness.
import net from 'node:net';

/** A port the OS says is free right now (listen on 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export class PortInUseError extends Error {}

/** Throws naming the port, what needed it and the variable that moves it. */
export async function assertPortsFree(ports: { port: number; what: string; envVar: string }[]): Promise<void> {
  const busy: string[] = [];
  for (const p of ports) {
    if (!(await isPortFree(p.port))) busy.push(`port ${p.port} (${p.what}) is already in use: stop what holds it (ss -ltnp 'sport = :${p.port}') or set ${p.envVar} to another port`);
  }
  if (busy.length) throw new PortInUseError(busy.join('\n'));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` until it returns true. Fails after `timeoutMs`, or at once when `alive()` says the
 * process we are waiting for has died (so a crash is reported as a crash, not as a timeout).
 */
export async function waitFor(what: string, check: () => Promise<boolean>, opts: { timeoutMs: number; alive?: () => boolean; intervalMs?: number }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.alive && !opts.alive()) throw new Error(`${what}: the process exited before it was ready`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${opts.timeoutMs / 1000}s`);
    await sleep(opts.intervalMs ?? 200);
  }
}

/** True when the URL answers with a status below `maxStatus` (any answer proves the server listens). */
export async function httpAnswers(url: string, maxStatus = 500): Promise<boolean> {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  return res.status < maxStatus;
}
