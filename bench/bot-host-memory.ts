// Benchmark: memory of one pool bot host with 1, 10 and 50 dry-run bots, each host in its own process started with the
// image's Node flags and bundled like the image (no tsx, no zod). Usage: node --import tsx bench/bot-host-memory.ts [--run-ms 20000]
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { botHostBuildOptions } from '../bot/build.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { startPaperExchange } from '../exchange/server.js';

const run = promisify(execFile);
const args = process.argv.slice(2);
const runMs = Number(args[args.indexOf('--run-ms') + 1] || 20_000) || 20_000;
const outfile = join(tmpdir(), `tf-bot-host-memory-${process.pid}.mjs`);
await build({ ...botHostBuildOptions(), entryPoints: ['bench/bot-host-memory-child.ts'], outfile });

const ex = await startPaperExchange({ port: 0, seed: 'memory-bench', historyDays: 1 });
const { id: _id, needsPassphrase: _p, ...profile } = exchangeProfile('paper', ex.url);
type Memory = Record<'heapUsed' | 'heapTotal' | 'external' | 'rss' | 'rssAnon', number>;
const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
const rows: string[] = [];
const figures = new Map<number, { heap: number; anon: number }>();
try {
  for (const n of [1, 10, 50]) {
    const stateDir = await mkdtemp(join(tmpdir(), 'tf-bench-state-'));
    // The flags of bot/Dockerfile's ENTRYPOINT, plus --expose-gc so the figures are of live objects.
    const { stdout } = await run(process.execPath, [
      '--disable-optimizing-compilers', '--max-semi-space-size=1', '--expose-gc', outfile, String(n), JSON.stringify(profile), stateDir, String(runMs),
    ], { maxBuffer: 1 << 20 });
    const files = (await readdir(stateDir)).length;
    await rm(stateDir, { recursive: true, force: true });
    const r = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { baseline: Memory; loaded: Memory; openTrades: number };
    figures.set(n, { heap: r.loaded.heapUsed, anon: r.loaded.rssAnon });
    if (n === 1) rows.push(`  0 bots | heap ${mib(r.baseline.heapUsed).padStart(5)} MiB | anon RSS ${mib(r.baseline.rssAnon).padStart(5)} MiB | RSS ${mib(r.baseline.rss).padStart(5)} MiB`);
    rows.push(
      `${String(n).padStart(3)} bots | heap ${mib(r.loaded.heapUsed).padStart(5)} MiB | anon RSS ${mib(r.loaded.rssAnon).padStart(5)} MiB | ` +
        `RSS ${mib(r.loaded.rss).padStart(5)} MiB | open trades ${r.openTrades} | state files ${files}`,
    );
  }
} finally {
  await ex.close();
  await rm(outfile, { force: true });
}
console.log(`bot host memory after ${runMs / 1000} s of trading (half the bots with an open trade):`);
for (const row of rows) console.log(row);
const [ten, fifty] = [figures.get(10), figures.get(50)];
if (ten && fifty) {
  const kib = (b: number) => `${(b / 1024 / 40).toFixed(0)} KiB`;
  console.log(`each bot beyond the 10th: heap +${kib(fifty.heap - ten.heap)}, anon RSS +${kib(fifty.anon - ten.anon)}`);
}
