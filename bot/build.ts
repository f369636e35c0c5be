// Bundles the bot host into one ESM file for the image: `node bot/build.ts` (Node 24 strips the types itself).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const BOT_HOST_BUNDLE = `${root}dist/bot-host/bot-host.mjs`;

export async function buildBotHost(): Promise<string> {
  await build({
    absWorkingDir: root,
    entryPoints: ['bot/main.ts'],
    outfile: BOT_HOST_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // Smaller source to parse keeps each container's memory down; identifiers stay readable in stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return BOT_HOST_BUNDLE;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await buildBotHost());
}
