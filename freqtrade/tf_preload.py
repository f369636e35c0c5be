# What the FreqTrade pool's parent (tf_pool.py) loads before it forks any bot: every module a running bot imports
# (tf_pool_preload.txt, taken from a running bot), and the start-up work every bot repeats that needs neither network
# nor a bot's config. With the collector off until gc.freeze(), so that no freed hole in the parent's pages is filled
# by each child's new objects (and copied into each child): CPython's advice for fork without exec.
import gc
import importlib
import json
import os
import sys
import time

import tf_merge

HERE = os.path.dirname(os.path.abspath(__file__))


def preload(log):
    gc.disable()
    started = time.time()
    listing = os.path.join(HERE, "tf_pool_preload.txt")
    names = [n.strip() for n in open(listing)] if os.path.exists(listing) else []
    failed = 0
    for name in names or ["freqtrade.main", "freqtrade.worker", "freqtrade.rpc.api_server.webserver"]:
        if not name or name.startswith("#"):
            continue
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module of another platform or an optional extra: a bot imports what it needs
            failed += 1
    warm_up(log)
    gc.freeze()
    if os.environ.get("TF_POOL_MERGE", "1") != "0":
        marked = tf_merge.mark_mergeable()
        log("memory marked mergeable", mib=marked >> 20, ksm_running=tf_merge.ksm_running())
    log("preloaded", modules=len(sys.modules), skipped=failed, seconds=round(time.time() - started, 1))


_WARM = []  # what warm_up built, kept so that no freed hole in the parent's pages is filled (and copied) by a child


def warm_up(log):
    """Runs, once in the parent, the start-up work every bot repeats that needs no network or config: SQLAlchemy's
    mapper configuration, ccxt's exchange class set-up, FreqTrade's API app, pandas and TA-Lib on a small frame. What
    it builds and the interpreter's warmed code are then shared, not rebuilt (and written) in every child."""
    steps = []
    try:
        import sqlalchemy.orm
        import freqtrade.persistence  # noqa: F401 - the models
        sqlalchemy.orm.configure_mappers()
        steps.append("mappers")
    except Exception as e:  # noqa: BLE001 - a warm-up that fails costs memory, never correctness
        log("warm-up step failed", step="mappers", error=repr(e))
    try:
        import ccxt
        import ccxt.async_support
        _WARM.append(ccxt.binance({"options": {"fetchMarkets": {"types": ["spot"]}}}))
        _WARM.append(ccxt.async_support.binance({"options": {"fetchMarkets": {"types": ["spot"]}}}))
        steps.append("ccxt")
    except Exception as e:  # noqa: BLE001
        log("warm-up step failed", step="ccxt", error=repr(e))
    try:
        import numpy as np
        import pandas as pd
        import talib.abstract as ta
        n = 300
        frame = pd.DataFrame({"date": pd.date_range("2026-01-01", periods=n, freq="1min", tz="UTC"),
                              "open": np.linspace(1, 2, n), "high": np.linspace(1.1, 2.1, n), "low": np.linspace(0.9, 1.9, n),
                              "close": np.linspace(1, 2, n), "volume": np.ones(n)})
        frame["sma5"] = frame["close"].rolling(5).mean()
        frame["rsi"] = ta.RSI(frame)
        frame.loc[frame["close"] < frame["sma5"], "enter_long"] = 1
        _WARM.append(frame)
        steps.append("pandas")
    except Exception as e:  # noqa: BLE001
        log("warm-up step failed", step="pandas", error=repr(e))
    try:
        from fastapi import FastAPI
        from freqtrade.rpc.api_server.webserver import ApiServer
        app = FastAPI()
        ApiServer.configure_app(ApiServer.__new__(ApiServer), app, {"api_server": {"CORS_origins": [], "enable_openapi": False}})
        _WARM.append(app)
        steps.append("api")
    except Exception as e:  # noqa: BLE001
        log("warm-up step failed", step="api", error=repr(e))
    try:
        from freqtrade.configuration.config_validation import validate_config_schema
        from freqtrade.persistence import init_db
        init_db("sqlite://")  # an in-memory database: the tables, the migrations check and their statements, once
        config = json.load(open(os.path.join(HERE, "tf_pool_warm_config.json")))
        validate_config_schema(config)
        steps.append("config+db")
    except Exception as e:  # noqa: BLE001
        log("warm-up step failed", step="config+db", error=repr(e))
    log("warmed up", steps=steps)


