// Test support for FreqTrade REST parity: runs FreqTrade's own client through every call FreqUI makes
// (test/fixtures/freqtrade_client_calls.py) and compares two bots' answers by JSON shape, not by value.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

export const CALLS_SCRIPT = resolve(import.meta.dirname, 'fixtures/freqtrade_client_calls.py');
/** A real FreqTrade 2026.9 bot's answers, recorded by test/freqtrade-rest-recording.test.ts. */
export const RECORDED_ANSWERS = resolve(import.meta.dirname, 'fixtures/freqtrade-2026.9-rest.json');
/** The setup's venv holding freqtrade-client (scripts/setup.sh, step freqtrade-client). */
export const CLIENT_PYTHON = process.env['FREQTRADE_CLIENT_PYTHON'] ?? resolve(import.meta.dirname, '../.tools/freqtrade-client/bin/python');

export interface CallArgs {
  url: string;
  username: string;
  password: string;
  pair: string;
  otherPair: string;
  strategy: string;
  timeframe: string;
}

export const callArgv = (a: CallArgs): string[] => [a.url, a.username, a.password, a.pair, a.otherPair, a.strategy, a.timeframe];

/** Runs the calls with the setup's freqtrade-client against a bot this process reaches over TCP. */
export async function runClientCalls(args: CallArgs): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(CLIENT_PYTHON, [CALLS_SCRIPT, ...callArgv(args)], { timeout: 240_000, maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

export const callsScript = (): string => readFileSync(CALLS_SCRIPT, 'utf8');

/**
 * Paths whose object keys are data, not schema (indicator names, ROI steps, pairs, exit reasons): only that they are
 * objects is compared. `*` matches one path segment.
 */
const FREE_FORM = [
  'show_config.minimal_roi', 'show_config_paused.minimal_roi', 'plot_config.main_plot', 'plot_config.subplots',
  'blacklist_add.errors', 'blacklist_delete.errors', 'pair_candles.data', 'pair_candles_columns.data',
  'pair_candles.columns', 'pair_candles.all_columns', 'pair_candles_columns.columns', 'pair_candles_columns.all_columns',
  'strategy.params', 'logs.logs.*', 'pair_candles.annotations', 'pair_candles_columns.annotations',
];

const matches = (pattern: string, path: string): boolean => {
  const p = pattern.split('.');
  const s = path.split('.');
  return p.length === s.length && p.every((seg, i) => seg === '*' || seg === s[i]);
};

const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Every difference of shape between an expected and an actual answer: missing or extra keys, and values of another
 * JSON type. null matches any type (FreqTrade's optional fields are null until they apply); arrays compare their
 * first elements, and an empty array matches any array.
 */
export function shapeDiffs(expected: unknown, actual: unknown, path = ''): string[] {
  if (FREE_FORM.some((p) => matches(p, path))) {
    return expected === null || actual === null || kind(expected) === kind(actual) ? [] : [`${path}: ${kind(actual)} instead of ${kind(expected)}`];
  }
  if (expected === null || actual === null) return [];
  const [ke, ka] = [kind(expected), kind(actual)];
  if (ke !== ka) return [`${path || '(root)'}: ${ka} instead of ${ke}`];
  if (ke === 'array') {
    const [e, a] = [(expected as unknown[])[0], (actual as unknown[])[0]];
    return e === undefined || a === undefined ? [] : shapeDiffs(e, a, `${path}.*`);
  }
  if (ke !== 'object') return [];
  const eo = expected as Record<string, unknown>;
  const ao = actual as Record<string, unknown>;
  const diffs: string[] = [];
  const join = (k: string) => (path ? `${path}.${k}` : k);
  for (const k of Object.keys(eo)) {
    if (!(k in ao)) diffs.push(`${join(k)}: missing`);
    else diffs.push(...shapeDiffs(eo[k], ao[k], join(k)));
  }
  for (const k of Object.keys(ao)) if (!(k in eo)) diffs.push(`${join(k)}: not in FreqTrade's answer`);
  return diffs;
}

/** Trims bulky answers (candle rows, log lines) so the recording stays small; their shape is kept. */
export function trimForRecording(answers: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(answers) as Record<string, Record<string, unknown>>;
  for (const k of ['pair_candles', 'pair_candles_columns']) {
    const c = out[k];
    if (c && Array.isArray(c['data'])) c['data'] = c['data'].slice(-3);
  }
  if (out['logs'] && Array.isArray(out['logs']['logs'])) out['logs']['logs'] = out['logs']['logs'].slice(-3);
  return out;
}
