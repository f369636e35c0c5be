// The config.json a FreqTrade bot receives, and a bot's input for the freqtrade engine.
import { describe, expect, it } from 'vitest';
import { CreateBotInput } from './bot.js';
import { exchangeProfile } from './exchanges.js';
import { freqtradeConfig, type FreqtradeBotSettings } from './freqtrade-config.js';

const paper = exchangeProfile('paper', 'http://127.0.0.1:8090');
const settings: FreqtradeBotSettings = {
  botName: 'ft', pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 50, stakeCurrency: 'USDT', dryRun: true,
  apiPort: 20001, proxy: { httpProxy: 'http://127.0.0.1:3128' }, api: { username: 'tf-1', password: 'p'.repeat(32), jwtSecret: 'j'.repeat(64) },
  strategyClass: 'TfDipBuyer', exchange: { ccxtId: paper.ccxtId, apiUrls: paper.apiUrls, options: paper.options },
};

describe('freqtradeConfig', () => {
  it('points FreqTrade at the paper exchange through ccxt_config, with the bot API and a wallet of one stake per pair', () => {
    const config = freqtradeConfig(settings) as Record<string, any>;
    expect(config.exchange).toMatchObject({
      name: 'binance', key: '', secret: '', enable_ws: false, pair_whitelist: ['BTC/USDT', 'ETH/USDT'],
      ccxt_config: { httpProxy: 'http://127.0.0.1:3128', urls: { api: { public: 'http://127.0.0.1:8090/api/v3', private: 'http://127.0.0.1:8090/api/v3' } }, options: { fetchCurrencies: false } },
    });
    expect(config.api_server).toMatchObject({ enabled: true, listen_ip_address: '127.0.0.1', listen_port: 20001, username: 'tf-1', jwt_secret_key: 'j'.repeat(64) });
    expect(config).toMatchObject({ dry_run: true, dry_run_wallet: 100, max_open_trades: 2, stake_amount: 50, strategy: 'TfDipBuyer', initial_state: 'running' });
  });

  it('carries a live bot’s key only in the exchange section', () => {
    const config = freqtradeConfig({ ...settings, dryRun: false, credentials: { apiKey: 'KEY', secret: 'SECRET' } }) as Record<string, any>;
    expect(config.exchange).toMatchObject({ key: 'KEY', secret: 'SECRET' });
    const { exchange: _exchange, ...rest } = config;
    expect(JSON.stringify(rest)).not.toMatch(/KEY|SECRET/);
  });
});

describe('bot input for the freqtrade engine', () => {
  it('takes engine freqtrade with a FreqTrade version, and refuses a version on a builtin bot', () => {
    const base = { name: 'ft', pairs: ['BTC/USDT'], stakeAmount: 10 };
    expect(CreateBotInput.parse({ ...base, engine: 'freqtrade', freqtradeVersion: '2026.9' })).toMatchObject({ engine: 'freqtrade' });
    const wrong = CreateBotInput.safeParse({ ...base, freqtradeVersion: '2026.9' });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.path).toEqual(['freqtradeVersion']);
  });
});
