"""tradefleet's upload check: loads one strategy file the way FreqTrade does and prints what it found as one JSON line."""
import importlib.util
import inspect
import json
import logging
import sys
import traceback
from pathlib import Path

FILE = Path("/check/strategy.py")


def answer(**fields):
    print("TF-CHECK " + json.dumps(fields), flush=True)
    sys.exit(0)


def where(error):
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(FILE)]
    return f" (line {frames[-1].lineno})" if frames else ""


try:
    source = FILE.read_text(encoding="utf-8")
except UnicodeDecodeError:
    answer(ok=False, problem="is not UTF-8 text")
try:
    compile(source, "strategy.py", "exec")
except SyntaxError as error:
    answer(ok=False, problem=f"SyntaxError: {error.msg} (line {error.lineno})")

logging.disable(logging.CRITICAL)
from freqtrade.resolvers.strategy_resolver import StrategyResolver  # noqa: E402
from freqtrade.strategy.interface import IStrategy  # noqa: E402

try:
    spec = importlib.util.spec_from_file_location("tf_uploaded_strategy", FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
except Exception as error:  # the user's module failed at import: name the exception and the line
    answer(ok=False, problem=f"{type(error).__name__}: {error}{where(error)}")

classes = sorted(
    name
    for name, cls in inspect.getmembers(module, inspect.isclass)
    if issubclass(cls, IStrategy) and cls is not IStrategy and cls.__module__ == module.__name__
)
if not classes:
    answer(ok=False, problem="defines no strategy class (a class deriving from freqtrade.strategy.IStrategy)")
if len(classes) > 1:
    answer(ok=False, problem=f"defines {len(classes)} strategy classes ({', '.join(classes)}): upload one strategy per file")

config = {
    "strategy": classes[0],
    "strategy_path": str(FILE.parent),
    "user_data_dir": Path("/tmp/user_data"),
    "stake_currency": "USDT",
    "stake_amount": 10,
    "dry_run": True,
    "trading_mode": "spot",
    "margin_mode": "",
    "candle_type_def": "spot",
}
try:
    strategy = StrategyResolver.load_strategy(config)
except Exception as error:
    answer(ok=False, problem=f"FreqTrade cannot load {classes[0]}: {type(error).__name__}: {error}{where(error)}")
if not strategy.timeframe:
    answer(ok=False, problem=f"{classes[0]} sets no timeframe")
answer(ok=True, className=classes[0], timeframe=strategy.timeframe)
