// A real FreqTrade 2026.9 bot on the paper exchange answers every call FreqUI makes, through FreqTrade's own client
// (the one its image ships), after a forced trade closed and another opened. Its answers' shapes must equal the
// recording the builtin host is held to (test/fixtures/freqtrade-2026.9-rest.json); RECORD_FREQTRADE_REST=1 rewrites it.
// The platform's trader view (chart, trades, blacklist, log) then reads the FreqTrade bot as it reads a builtin one.
import { writeFileSync, readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findBotWithSecret } from '../db/bots.js';
import { botCredentialsPlace, createSecretBox } from '../db/secret-box.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';
import { callArgv, callsScript, RECORDED_ANSWERS, shapeDiffs, trimForRecording } from './rest-shape.js';

const docker = new Docker();
let exchange: PaperExchangeHandle;
let platform: TestPlatform;

/** Never enters by itself (only forced trades), never exits by itself; two indicators and a plot_config to draw them. */
const plotted = String.raw`from freqtrade.strategy import IStrategy
from pandas import DataFrame


class TfPlotted(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "1m"
    can_short = False
    minimal_roi = {"0": 10}
    stoploss = -0.9
    startup_candle_count = 5
    plot_config = {
        "main_plot": {"sma5": {"color": "#2962ff"}},
        "subplots": {"RSI": {"rsi": {"color": "#ff6d00"}}},
    }

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["sma5"] = dataframe["close"].rolling(5).mean()
        delta = dataframe["close"].diff()
        gain = delta.clip(lower=0).rolling(14).mean()
        loss = (-delta.clip(upper=0)).rolling(14).mean()
        dataframe["rsi"] = 100 - 100 / (1 + gain / loss)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["enter_long"] = 0
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["exit_long"] = 0
        return dataframe
`;

async function execIn(containerId: string, cmd: string[]): Promise<{ out: string; err: string; code: number }> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  // Multiplexed stream: an 8-byte header (1 = stdout, 2 = stderr) before each frame.
  const raw = Buffer.concat(chunks);
  let out = '';
  let err = '';
  for (let o = 0; o + 8 <= raw.length; o += 8 + raw.readUInt32BE(o + 4)) {
    const text = raw.subarray(o + 8, o + 8 + raw.readUInt32BE(o + 4)).toString();
    if (raw[o] === 2) err += text;
    else out += text;
  }
  return { out, err, code: (await exec.inspect()).ExitCode ?? -1 };
}

beforeAll(async () => {
  // Prices hold still: a forced dry-run entry is a limit at the ask, filled only while the ask does not rise above it,
  // and a walking price left the second entry unfilled for 90 s in a CI run. The recording is about shapes, not prices.
  exchange = await startPaperExchange({ port: 0, seed: 'freqtrade-rest-recording', tickMs: 0 });
  platform = await startPlatform({ env: { BOT_DRIVER: 'docker', PAPER_EXCHANGE_URL: exchange.url } });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await exchange?.close();
});

it("a real FreqTrade 2026.9 bot answers FreqUI's calls in the recorded shapes", async () => {
  const user = await signedUpAgent(platform.app);
  const uploaded = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ engine: 'freqtrade', content: plotted });
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  const created = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({
    name: 'Recorded FreqTrade', pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 100, engine: 'freqtrade', strategyVersionId: uploaded.body.strategy.id,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const botId = created.body.bot.id as string;
  await waitFor('running', async () => {
    const b = (await user.agent.get(`/api/bots/${botId}`)).body.bot;
    if (b.status === 'failed') throw new Error(`provisioning failed: ${b.lastError}`);
    return b.status === 'running';
  }, 240_000);

  const row = (await findBotWithSecret(platform.db, botId))!;
  const api = JSON.parse(createSecretBox(platform.config.TF_SECRET_KEY).open(row.apiCredentials, botCredentialsPlace(row.id)));
  const [container] = await docker.listContainers({ filters: { label: [`tradefleet.bot=${botId}`] } });
  // The container has no network: the client runs inside it, on its loopback, with the venv FreqTrade's image ships.
  const argv = callArgv({
    url: `http://127.0.0.1:${row.apiPort}`, username: api.username, password: api.password,
    pair: 'BTC/USDT', otherPair: 'ETH/USDT', strategy: 'TfPlotted', timeframe: '1m',
  });
  const python = (steps: string) => execIn(container!.Id, ['/opt/freqtrade/bin/python', '-c', callsScript(), ...argv, steps]);
  const run = await python('no-reload');
  expect(run.code, run.err.slice(-3000)).toBe(0);
  const answers = JSON.parse(run.out) as Record<string, unknown>;

  // The platform's trader view reads a FreqTrade bot as it reads a builtin one.
  const chart = await waitFor('the chart of the FreqTrade bot', async () => {
    const res = await user.agent.get(`/api/bots/${botId}/chart`).query({ pair: 'BTC/USDT', limit: 50 });
    return res.status === 200 ? res.body.chart : null;
  }, 60_000);
  expect(chart).toMatchObject({ timeframe: '1m', strategy: 'TfPlotted', strategyTimeframe: '1m' });
  expect(chart.candles.length).toBeGreaterThan(10);
  expect(chart.series.map((x: { column: string; panel: string }) => `${x.panel}:${x.column}`)).toEqual(['main:sma5', 'RSI:rsi']);
  const closedId = (answers['forceenter'] as { trade_id: number }).trade_id;
  expect(chart.markers.filter((m: { tradeId: number }) => m.tradeId === closedId).map((m: { kind: string }) => m.kind)).toEqual(['entry', 'exit']);
  expect((await user.agent.get(`/api/bots/${botId}/trades`)).body).toMatchObject({ total: 1, trades: [{ tradeId: closedId, exitReason: 'force_exit' }] });
  const listed = await user.agent.post(`/api/bots/${botId}/blacklist`).set('Origin', ORIGIN).send({ add: ['ETH/USDT'] });
  expect(listed.body.pairlists, JSON.stringify(listed.body)).toMatchObject({ blacklist: ['ETH/USDT'] });
  // FreqTrade drops a blacklisted pair from its active whitelist at its next pairlist refresh (a loop iteration).
  await waitFor('ETH out of the whitelist', async () => {
    const res = await user.agent.get(`/api/bots/${botId}/pairlists`);
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    return res.body.pairlists.whitelist.join() === 'BTC/USDT';
  }, 60_000);
  expect((await user.agent.get(`/api/bots/${botId}/logs`).query({ limit: 5 })).body.logs).toHaveLength(5);

  // Last, as FreqTrade's API goes away while the bot reloads its config.
  const reload = await python('reload');
  expect(reload.code, reload.err.slice(-3000)).toBe(0);
  Object.assign(answers, JSON.parse(reload.out));

  expect(answers['forceexit']).toEqual({ result: expect.stringMatching(/^Created exit order for trade \d+/) });
  expect(answers['show_config_paused']).toMatchObject({ state: 'paused' });
  expect(answers['pair_candles']).toMatchObject({ strategy: 'TfPlotted', pair: 'BTC/USDT', timeframe: '1m' });
  expect(answers['plot_config']).toEqual({ main_plot: { sma5: { color: '#2962ff' } }, subplots: { RSI: { rsi: { color: '#ff6d00' } } } });
  expect(JSON.stringify(answers)).not.toContain(api.password);

  if (process.env['RECORD_FREQTRADE_REST'] === '1') writeFileSync(RECORDED_ANSWERS, `${JSON.stringify(trimForRecording(answers), null, 1)}\n`);
  const recorded = JSON.parse(readFileSync(RECORDED_ANSWERS, 'utf8')) as Record<string, unknown>;
  expect(Object.keys(answers).sort()).toEqual(Object.keys(recorded).sort());
  expect(shapeDiffs(recorded, answers)).toEqual([]);

  expect((await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN)).status).toBe(200);
  expect(await docker.listContainers({ all: true, filters: { label: [`tradefleet.bot=${botId}`] } })).toHaveLength(0);
}, 420_000);
