// Bundles the bot host into one ESM file for the image: `node bot/build.ts` (Node 24 strips the types itself).
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const BOT_HOST_BUNDLE = `${root}dist/bot-host/bot-host.mjs`;

/**
 * `ccxt` in the bundle is only the binance class and the error classes: all of ccxt costs a container about 100 MB
 * more than this (see MACHINE.md). Anything else the host imports from `ccxt` fails the build here, not at run time.
 */
const slimCcxt: Plugin = {
  name: 'slim-ccxt',
  setup(b) {
    const src = `${dirname(fileURLToPath(import.meta.resolve('ccxt')))}/src`;
    b.onResolve({ filter: /^ccxt$/ }, () => ({ path: 'ccxt', namespace: 'slim-ccxt' }));
    b.onLoad({ filter: /.*/, namespace: 'slim-ccxt' }, () => ({
      contents: `export { default as binance } from '${src}/binance.js';\nexport * from '${src}/base/errors.js';\n`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};

/**
 * Parts of ccxt's base class that binance's spot REST API never runs: websockets (the host polls), and the signing
 * and protobuf code of StarkNet, zkLink, dYdX and MEXC. Left out they save each container about 10 MB; touching one
 * throws "... is not a function", which a test of the bundled host against the paper exchange would catch.
 */
const UNUSED_CCXT = /(^@scure\/starknet$|\/functions\/starknet\.js$|static_dependencies\/(zklink|dydx-v4-client)\/|protobuf\/mexc\/|\/ws\/WsClient\.js$)/;
const dropUnusedCcxt: Plugin = {
  name: 'drop-unused-ccxt',
  setup(b) {
    b.onResolve({ filter: UNUSED_CCXT }, (args) =>
      args.importer.includes('/node_modules/ccxt/') ? { path: args.path, namespace: 'unused-ccxt' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'unused-ccxt' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

/** The esbuild options of the bot-host bundle, shared with the test that checks what goes into it. */
export const botHostBuildOptions = (): BuildOptions => ({
  absWorkingDir: root,
  entryPoints: ['bot/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  plugins: [slimCcxt, dropUnusedCcxt],
  // undici is bundled: ccxt sends requests through a proxy (a container's only way out, the egress proxy) only with
  // undici's ProxyAgent, which Node's own fetch does not expose.
  // ccxt's websocket client (never used: the host polls REST) is CommonJS that calls require().
  banner: { js: "import { createRequire as __tfCreateRequire } from 'node:module'; const require = __tfCreateRequire(import.meta.url);" },
  // Smaller source to parse keeps each container's memory down; identifiers stay readable in stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});

export async function buildBotHost(): Promise<string> {
  await build({ ...botHostBuildOptions(), outfile: BOT_HOST_BUNDLE });
  return BOT_HOST_BUNDLE;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await buildBotHost());
}
