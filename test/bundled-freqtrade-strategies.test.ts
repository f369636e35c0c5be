// The bundled FreqTrade strategies signal on scripted price paths: each runs in the FreqTrade image (no network) on a
// price series that must make it enter and then exit, the same dataframe calls FreqTrade makes on every new candle.
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { tarArchive } from '../activities/tar.js';
import { dockerLogText } from '../activities/docker-logs.js';
import { BUNDLED_FREQTRADE_STRATEGIES } from '../domain/bundled-freqtrade-strategies.js';
import { freqtradeImage, DEFAULT_FREQTRADE_VERSION } from '../domain/freqtrade-config.js';

const docker = new Docker();

/** Prints the candle indexes with an entry and with an exit signal as JSON. */
const RUNNER = String.raw`
import importlib.util, json, sys
import pandas as pd
spec = importlib.util.spec_from_file_location("bundled", "/run/strategy.py")
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
cls = getattr(module, sys.argv[1])
closes = json.loads(sys.argv[2])
df = pd.DataFrame({"date": pd.date_range("2026-01-01", periods=len(closes), freq="min"), "open": closes, "high": closes,
                   "low": closes, "close": closes, "volume": [1.0] * len(closes)})
meta = {"pair": "BTC/USDT"}
df = cls.populate_indicators(None, df, meta)
df = cls.populate_entry_trend(None, df, meta)
df = cls.populate_exit_trend(None, df, meta)
col = lambda name: [int(i) for i in df.index[df.get(name, pd.Series(0, index=df.index)).fillna(0) == 1]]
print("SIGNALS " + json.dumps({"entries": col("enter_long"), "exits": col("exit_long")}))
`;

async function signals(className: string, closes: number[]): Promise<{ entries: number[]; exits: number[] }> {
  const source = BUNDLED_FREQTRADE_STRATEGIES.find((s) => s.className === className)!.source;
  const container = await docker.createContainer({
    Image: freqtradeImage(DEFAULT_FREQTRADE_VERSION),
    Labels: { 'tradefleet.managed': 'true', 'tradefleet.test': 'bundled-strategies' },
    Entrypoint: ['sh', '-c', 'exec "$(dirname "$(readlink -f "$(command -v tf-freqtrade)")")/python" /run/runner.py "$@"', 'runner'],
    Cmd: [className, JSON.stringify(closes)],
    User: '1000:1000',
    Volumes: { '/run': {} },
    HostConfig: { NetworkMode: 'none', CapDrop: ['ALL'], ReadonlyRootfs: true, Tmpfs: { '/tmp': 'rw,size=16m' }, Memory: 512 * 1024 * 1024 },
  });
  try {
    const owned = { uid: 1000, gid: 1000, mode: 0o400 };
    await container.putArchive(tarArchive([{ name: 'runner.py', content: RUNNER, ...owned }, { name: 'strategy.py', content: source, ...owned }]), { path: '/run' });
    await container.start();
    await container.wait();
    const out = dockerLogText((await container.logs({ stdout: true, stderr: true })) as unknown as Buffer);
    const line = out.split('\n').find((l) => l.startsWith('SIGNALS '));
    if (!line) throw new Error(`no signals printed:\n${out.slice(-1500)}`);
    return JSON.parse(line.slice('SIGNALS '.length));
  } finally {
    await container.remove({ force: true, v: true });
  }
}

describe('bundled FreqTrade strategies on scripted price paths', () => {
  it('TfDipBuyer enters on a close 3 % under its 5-candle average, and not on a flat market', async () => {
    const flat = Array.from({ length: 10 }, () => 100);
    const result = await signals('TfDipBuyer', [...flat, 97, 97.5]);
    expect(result.entries).toContain(10);
    expect(result.entries.every((i) => i >= 10)).toBe(true);
  }, 60_000);

  it('TfEmaCrossover enters when the fast EMA crosses up after a decline and exits when it crosses back down', async () => {
    const down = Array.from({ length: 40 }, (_, i) => 110 - i * 0.25);
    const up = Array.from({ length: 20 }, (_, i) => 100.25 + i * 0.5);
    const downAgain = Array.from({ length: 20 }, (_, i) => 109.5 - i * 0.5);
    const result = await signals('TfEmaCrossover', [...down, ...up, ...downAgain]);
    expect(result.entries.length).toBe(1);
    expect(result.entries[0]).toBeGreaterThanOrEqual(40);
    expect(result.entries[0]).toBeLessThan(60);
    expect(result.exits.some((i) => i > result.entries[0]! && i >= 60)).toBe(true);
  }, 60_000);
});
