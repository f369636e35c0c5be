// The platform's bundled FreqTrade strategies (Python, FreqTrade's IStrategy interface v3); the first is the default
// for new `freqtrade` bots. Plain pandas only, so they load fast and need no optional library.

export interface BundledFreqtradeStrategy {
  /** The strategy's class name, which FreqTrade looks it up by. */
  className: string;
  source: string;
}

export const BUNDLED_FREQTRADE_STRATEGIES: BundledFreqtradeStrategy[] = [
  {
    className: 'TfDipBuyer',
    source: String.raw`# TfDipBuyer (tradefleet bundled): buys a 1-minute close more than 1 % under its 5-candle average,
# sells at 2 % profit (ROI) or 10 % loss (stoploss).
from pandas import DataFrame

from freqtrade.strategy import IStrategy


class TfDipBuyer(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "1m"
    can_short = False
    minimal_roi = {"0": 0.02}
    stoploss = -0.10
    trailing_stop = False
    process_only_new_candles = True
    use_exit_signal = True
    startup_candle_count = 5

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["sma5"] = dataframe["close"].rolling(5).mean()
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[(dataframe["close"] < dataframe["sma5"] * 0.99) & (dataframe["volume"] >= 0), "enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["exit_long"] = 0
        return dataframe
`,
  },
  {
    className: 'TfEmaCrossover',
    source: String.raw`# TfEmaCrossover (tradefleet bundled): buys when the 5-minute EMA(9) crosses above EMA(21) with RSI(14) under 70,
# sells when it crosses back below; trailing stop 2 % once 3 % up, stoploss 8 %.
from pandas import DataFrame

from freqtrade.strategy import IStrategy


def rsi(close, period: int):
    delta = close.diff()
    gain = delta.clip(lower=0).ewm(alpha=1 / period, adjust=False).mean()
    loss = (-delta.clip(upper=0)).ewm(alpha=1 / period, adjust=False).mean()
    return 100 - 100 / (1 + gain / loss)


class TfEmaCrossover(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    can_short = False
    minimal_roi = {"0": 0.10}
    stoploss = -0.08
    trailing_stop = True
    trailing_stop_positive = 0.02
    trailing_stop_positive_offset = 0.03
    trailing_only_offset_is_reached = True
    process_only_new_candles = True
    use_exit_signal = True
    startup_candle_count = 30

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["ema_fast"] = dataframe["close"].ewm(span=9, adjust=False).mean()
        dataframe["ema_slow"] = dataframe["close"].ewm(span=21, adjust=False).mean()
        dataframe["rsi"] = rsi(dataframe["close"], 14)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        above = dataframe["ema_fast"] > dataframe["ema_slow"]
        crossed_up = above & ~above.shift(1, fill_value=True)
        dataframe.loc[crossed_up & (dataframe["rsi"] < 70), "enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        below = dataframe["ema_fast"] < dataframe["ema_slow"]
        crossed_down = below & ~below.shift(1, fill_value=True)
        dataframe.loc[crossed_down, "exit_long"] = 1
        return dataframe
`,
  },
];
