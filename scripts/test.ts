// `npm test`: vitest run on Node 24 (extra arguments pass through, e.g. `npm test -- db/`), exiting with its code.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './services/paths.js';

const vitest = path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', ...process.argv.slice(2)], { cwd: repoRoot, stdio: 'inherit' });

// The terminal's Ctrl-C reaches vitest too; forwarding covers `kill` aimed at us alone.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
