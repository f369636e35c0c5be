// Exchange profiles: how an exchange id a user picks maps to a ccxt class and its settings.
// `paper` is not special code: it is ccxt's `binance` class pointed at the paper exchange's URL, spot markets only.
export interface ExchangeProfile {
  /** The id users see and store (`paper`, `binance`, `kraken`, ...). */
  id: string;
  /** ccxt class name. */
  ccxtId: string;
  /** Overrides of ccxt's `urls.api` (for the paper exchange: public and private both at `<url>/api/v3`). */
  apiUrls?: Record<string, string>;
  options?: Record<string, unknown>;
  /** Whether the exchange needs a passphrase besides key and secret. */
  needsPassphrase?: boolean;
}

const SPOT_ONLY = { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, defaultType: 'spot' };

/** Exchanges that need a passphrase (ccxt's `requiredCredentials.password`). */
const PASSPHRASE_EXCHANGES = new Set(['okx', 'kucoin', 'bitget', 'coinbaseexchange', 'kucoinfutures']);

export function exchangeProfile(id: string, paperExchangeUrl: string): ExchangeProfile {
  if (id === 'paper') {
    const api = `${paperExchangeUrl.replace(/\/$/, '')}/api/v3`;
    // fetchMargins off: with credentials, ccxt's loadMarkets would otherwise ask the real Binance for margin pairs.
    return { id, ccxtId: 'binance', apiUrls: { public: api, private: api }, options: { ...SPOT_ONLY, fetchMargins: false } };
  }
  return { id, ccxtId: id, options: id === 'binance' ? SPOT_ONLY : {}, needsPassphrase: PASSPHRASE_EXCHANGES.has(id) };
}
