// The host's zod-free config validator agrees with the domain schema, and the bundle really stays free of zod.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BOT_HOST_CONFIG_ENV, BOT_HOST_CONFIG_FILE_ENV, BotHostConfig } from '../domain/bot-host-config.js';
import { CONFIG_ENV, CONFIG_FILE_ENV, parseBotHostConfig } from './host-config.js';
import { botConfig } from './test-support.js';

const valid = { listenHost: '0.0.0.0', bots: [botConfig('a', 20001), botConfig('b', 20002)] };
const withBot = (patch: Record<string, unknown>) => ({ bots: [{ ...botConfig('a', 20001), ...patch }] });
const withApi = (patch: Record<string, unknown>) => withBot({ api: { ...botConfig('a', 20001).api, ...patch } });

const cases: [string, unknown][] = [
  ['a full config', valid],
  ['no listenHost (defaulted)', { bots: valid.bots }],
  ['unknown keys (stripped)', { ...valid, extra: 1, bots: [{ ...botConfig('a', 20001), extra: true }] }],
  ['not an object', 'nope'],
  ['null', null],
  ['no bots', { listenHost: '127.0.0.1', bots: [] }],
  ['bots not an array', { bots: {} }],
  ['listenHost null', { ...valid, listenHost: null }],
  ['empty pairs', withBot({ pairs: [] })],
  ['a pair that is not a string', withBot({ pairs: ['BTC/USDT', 3] })],
  ['zero stake', withBot({ stakeAmount: 0 })],
  ['infinite stake', withBot({ stakeAmount: Number.POSITIVE_INFINITY })],
  ['stake as string', withBot({ stakeAmount: '10' })],
  ['fractional port', withBot({ apiPort: 2000.5 })],
  ['port 0', withBot({ apiPort: 0 })],
  ['port 65536', withBot({ apiPort: 65536 })],
  ['dryRun as string', withBot({ dryRun: 'true' })],
  ['missing botId', withBot({ botId: undefined })],
  ['no api', withBot({ api: undefined })],
  ['empty username', withApi({ username: '' })],
  ['short password', withApi({ password: 'x'.repeat(15) })],
  ['password of 16', withApi({ password: 'x'.repeat(16) })],
  ['short jwt secret', withApi({ jwtSecret: 'x'.repeat(31) })],
];

describe('parseBotHostConfig', () => {
  it.each(cases)('decides like the domain zod schema: %s', (_name, input) => {
    const ours = parseBotHostConfig(structuredClone(input));
    const theirs = BotHostConfig.safeParse(structuredClone(input));
    expect(ours.success).toBe(theirs.success);
    if (ours.success && theirs.success) expect(ours.data).toEqual(theirs.data);
  });

  it('names the failing field and rule, never the secret value', () => {
    const r = parseBotHostConfig(withApi({ password: 'leaky-secret' }));
    expect(r).toEqual({ success: false, issues: ['bots.0.api.password: must have at least 16 characters'] });
  });

  it('reads the same environment variable as the platform writes', () => {
    expect(CONFIG_ENV).toBe(BOT_HOST_CONFIG_ENV);
    expect(CONFIG_FILE_ENV).toBe(BOT_HOST_CONFIG_FILE_ENV);
  });

  it('keeps zod out of the bot-host bundle (it costs every container about 10 MB)', async () => {
    const result = await build({
      absWorkingDir: new URL('..', import.meta.url).pathname,
      entryPoints: ['bot/main.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      write: false,
      metafile: true,
      outdir: 'out',
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((p) => p.includes('node_modules'))).toEqual([]);
  });
});
