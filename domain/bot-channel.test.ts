// Where a bot's API answers and what its egress proxy allows: pure decisions, tested directly.
import { describe, expect, it } from 'vitest';
import { botEndpoint, ccxtProxySetting, egressAllowlist } from './bot-channel.js';

const channel = { socketDir: '/tmp/tf-bots/', fallbackHost: '127.0.0.1' };
const bot = { id: 'b1', engine: 'freqtrade' as const, driver: 'docker' as const, placement: 'dedicated' as const, poolContainerKey: null, apiHost: null, apiPort: 20001 };

describe('bot channels', () => {
  it("reaches a dedicated container only on its own socket, a pooled bot on its host's gateway, a process on its port", () => {
    expect(botEndpoint(bot, channel)).toEqual({ kind: 'socket', socketPath: '/tmp/tf-bots/b-b1/api-b1.sock' });
    expect(botEndpoint({ ...bot, engine: 'builtin' }, channel)).toEqual({ kind: 'socket', socketPath: '/tmp/tf-bots/b-b1/api-b1.sock' });
    expect(botEndpoint({ ...bot, engine: 'builtin', placement: 'pool', poolContainerKey: 'k1', apiHost: '127.0.0.2' }, channel)).toEqual({ kind: 'tcp', host: '127.0.0.2', port: 20001 });
    expect(botEndpoint({ ...bot, engine: 'builtin', placement: 'pool', poolContainerKey: 'k1' }, channel)).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 20001 });
    expect(botEndpoint({ ...bot, placement: 'pool', poolContainerKey: 'k1-freqtrade-c1', apiHost: '127.0.0.2' }, channel)).toEqual({ kind: 'tcp', host: '127.0.0.2', port: 20001 });
    expect(botEndpoint({ ...bot, engine: 'builtin', driver: 'process' }, channel)).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 20001 });
  });

  it("allows the exchange's host:port pairs, with the scheme's default port", () => {
    expect(egressAllowlist(['http://127.0.0.1:8090/api/v3', 'http://127.0.0.1:8090/api/v3', 'https://API.binance.com/api/v3', 'https://{hostname}/x'])).toEqual(['127.0.0.1:8090', 'api.binance.com:443']);
  });

  it('sends plain HTTP through httpProxy and HTTPS through httpsProxy', () => {
    expect(ccxtProxySetting(['http://127.0.0.1:8090/api/v3'])).toEqual({ httpProxy: 'http://127.0.0.1:3128' });
    expect(ccxtProxySetting(['https://api.binance.com/api/v3'])).toEqual({ httpsProxy: 'http://127.0.0.1:3128' });
  });
});
