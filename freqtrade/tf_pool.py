# A FreqTrade pool container's parent process (pid 1 of the container). It imports FreqTrade and its heavy libraries
# once, freezes them out of the garbage collector, then forks one warden per bot of /pool/pool.json; the warden enters
# the bot's sandbox (tf_sandbox.py) and forks the bot, which runs FreqTrade and only then imports the user's strategy.
# Children share the parent's pages copy-on-write, so a bot costs its private memory only. The parent runs no user code
# and no thread (forking is safe), restarts a bot that exits, hangs (its warden says so) or outgrows its memory budget,
# alone, and writes each bot's state and memory to /pool/status.json.
import gc
import importlib
import json
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tf_channel  # noqa: E402
import tf_warden  # noqa: E402

POOL_DIR = "/pool"
CONFIG_FILE = os.path.join(POOL_DIR, "pool.json")
STATUS_FILE = os.path.join(POOL_DIR, "run", "status.json")  # run/: the one folder of the volume the parent writes
BOT_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
DEFAULT_BUDGET_MB = 256
TICK_S = 1.0
BACKOFF_S = (2, 5, 10, 30, 60)
STOP_GRACE_S = 10


def log(message, **fields):
    print(json.dumps({"t": round(time.time(), 3), "msg": message, **fields}), file=sys.stderr, flush=True)


def preload():
    """Imports everything a running FreqTrade bot imports (the list beside this file, made from a running bot)."""
    started = time.time()
    listing = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf_pool_preload.txt")
    names = [n.strip() for n in open(listing)] if os.path.exists(listing) else []
    failed = 0
    for name in names or ["freqtrade.main", "freqtrade.worker", "freqtrade.rpc.api_server.webserver"]:
        if not name or name.startswith("#"):
            continue
        try:
            importlib.import_module(name)
        except Exception:  # a module of another platform or an optional extra: the bot imports what it needs
            failed += 1
    gc.collect()
    gc.freeze()
    log("preloaded", modules=len(sys.modules), skipped=failed, seconds=round(time.time() - started, 1))


def memory_of(pid):
    """smaps_rollup of one process in kB: rss, pss and uss (private clean + private dirty)."""
    out = {"rss": 0, "pss": 0, "uss": 0}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
                    kb = int(rest.split()[0])
                    if key == "Rss":
                        out["rss"] = kb
                    elif key == "Pss":
                        out["pss"] = kb
                    else:
                        out["uss"] += kb
    except (OSError, ValueError, IndexError):
        return None
    return out


def pid_namespace(pid):
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def threads_of(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("Threads:")), 0)
    except (OSError, ValueError):
        return 0


def processes_by_pid_namespace():
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            ns = pid_namespace(entry)
            if ns:
                out.setdefault(ns, []).append(int(entry))
    return out


class Bot:
    def __init__(self, spec):
        self.id = spec["id"]
        self.spec = spec
        self.listener = None
        self.warden = None  # pid of the warden (this process's child)
        self.pid = None  # pid of the bot itself (the warden's child), as this container sees it
        self.pipe = None
        self.buffer = b""
        self.state = "starting"
        self.restarts = 0
        self.last_exit = None
        self.next_start = 0.0
        self.started_at = None
        self.stopping_since = None
        self.wanted = True
        self.memory = None
        self.processes = 0
        self.threads = 0
        self.pending_reason = None
        self.bot_exit = None  # the bot's own exit code (negative: the signal that ended it), as its warden saw it

    def budget_kb(self):
        return int(self.spec.get("memoryMb") or DEFAULT_BUDGET_MB) * 1024


class Pool:
    def __init__(self):
        self.bots = {}
        self.config_mtime = None
        self.last_status = 0.0
        self.terminating = False

    def read_config(self):
        try:
            mtime = os.stat(CONFIG_FILE).st_mtime_ns
        except FileNotFoundError:
            return
        if mtime == self.config_mtime:
            return
        try:
            with open(CONFIG_FILE) as f:
                wanted = json.load(f).get("bots", [])
        except (OSError, ValueError) as e:
            log("pool.json unreadable; keeping the current bots", error=str(e))
            return
        self.config_mtime = mtime
        specs = {b["id"]: b for b in wanted if isinstance(b, dict) and BOT_ID.match(str(b.get("id", ""))) and isinstance(b.get("apiPort"), int)}
        for bot_id, bot in self.bots.items():
            if bot_id not in specs and bot.wanted:
                bot.wanted = False
                self.stop(bot)
        for bot_id, spec in specs.items():
            bot = self.bots.get(bot_id)
            if bot and bot.wanted:
                bot.spec = spec
                continue
            if bot and bot.warden:  # wanted again while still stopping: it starts once its warden is gone
                bot.wanted = True
                bot.spec = spec
                continue
            bot = Bot(spec)
            self.bots[bot_id] = bot
            log("bot added", bot=bot_id)

    def spawn(self, bot):
        if bot.listener is None:
            bot.listener = tf_channel.unix_listener(os.path.join(tf_channel.SOCKET_DIR, f"api-{bot.id}.sock"))
        read_end, write_end = os.pipe()
        keep = {bot.listener.fileno(), write_end}
        pid = os.fork()
        if pid == 0:
            try:
                os.close(read_end)
                tf_warden.run(bot.id, bot.spec, bot.listener, write_end, keep)
            except BaseException as e:  # noqa: BLE001 - the pool logs why the warden could not set the bot up
                try:
                    os.write(write_end, f"error {e!r}"[:500].replace("\n", " ").encode() + b"\n")
                except OSError:
                    pass
            finally:
                os._exit(70)
        os.close(write_end)
        os.set_blocking(read_end, False)
        bot.warden, bot.pipe, bot.buffer, bot.pid = pid, read_end, b"", None
        bot.state, bot.started_at, bot.pending_reason, bot.bot_exit = "starting", time.time(), None, None
        log("bot started", bot=bot.id, warden=pid, restarts=bot.restarts)

    def stop(self, bot):
        bot.state, bot.stopping_since = "stopping", time.time()
        target = bot.pid or bot.warden
        if target:
            try:
                os.kill(target, signal.SIGINT)  # FreqTrade stops cleanly on KeyboardInterrupt
            except ProcessLookupError:
                pass

    def read_pipes(self):
        for bot in self.bots.values():
            if bot.pipe is None:
                continue
            try:
                chunk = os.read(bot.pipe, 4096)
            except BlockingIOError:
                continue
            if not chunk:
                os.close(bot.pipe)
                bot.pipe = None
            bot.buffer += chunk
            *lines, bot.buffer = bot.buffer.split(b"\n")
            for line in lines:
                word, _, value = line.decode(errors="replace").partition(" ")
                if word == "pid":
                    bot.pid = int(value)
                elif word == "running":
                    bot.state = "running"
                elif word == "exit":
                    bot.bot_exit = int(value)
                elif word == "error":
                    log("bot could not enter its sandbox", bot=bot.id, error=value)
                elif word == "hung":
                    bot.pending_reason = "hung"

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            bot = next((b for b in self.bots.values() if b.warden == pid), None)
            if bot is None:
                continue  # an orphan that came to pid 1
            self.read_pipes()
            code = bot.bot_exit if bot.bot_exit is not None else os.waitstatus_to_exitcode(status)
            reason = bot.pending_reason or ("exited" if code >= 0 else f"signal {-code}")
            bot.last_exit = {"at": round(time.time(), 3), "code": code, "reason": reason}
            bot.warden = bot.pid = None
            if bot.pipe is not None:
                os.close(bot.pipe)
                bot.pipe = None
            if not bot.wanted:
                log("bot stopped", bot=bot.id)
                if bot.listener is not None:
                    bot.listener.close()
                    try:
                        os.unlink(os.path.join(tf_channel.SOCKET_DIR, f"api-{bot.id}.sock"))
                    except OSError:
                        pass
                del self.bots[bot.id]
                continue
            ran = time.time() - (bot.started_at or time.time())
            streak = 0 if ran > 300 else min(bot.restarts, len(BACKOFF_S) - 1)
            bot.restarts += 1
            bot.state, bot.next_start = "restarting", time.time() + BACKOFF_S[streak]
            log("bot ended; restarting it alone", bot=bot.id, code=code, reason=reason, ran_s=round(ran))

    def enforce_memory(self):
        by_ns = processes_by_pid_namespace()
        for bot in self.bots.values():
            if not bot.pid:
                bot.memory = None
                continue
            # The bot and whatever it started: every process of its pid namespace.
            pids = by_ns.get(pid_namespace(bot.pid), [bot.pid])
            parts = [m for m in (memory_of(p) for p in pids) if m]
            bot.memory = {k: sum(m[k] for m in parts) for k in ("rss", "pss", "uss")} if parts else None
            bot.processes = len(parts)
            bot.threads = sum(threads_of(p) for p in pids)
            if bot.memory and bot.memory["uss"] > bot.budget_kb() and bot.wanted:
                log("bot over its memory budget; restarting it", bot=bot.id, uss_kb=bot.memory["uss"], budget_kb=bot.budget_kb())
                bot.pending_reason = "memory"
                try:
                    os.kill(bot.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def write_status(self):
        me = memory_of(os.getpid())
        status = {
            "at": round(time.time(), 3),
            "parent": {"pid": os.getpid(), **(me or {})},
            "bots": {
                b.id: {"state": b.state, "pid": b.pid, "warden": b.warden, "restarts": b.restarts, "lastExit": b.last_exit,
                       "startedAt": b.started_at, "memory": b.memory, "wardenMemory": memory_of(b.warden) if b.warden else None, "processes": b.processes, "threads": b.threads,
                       "budgetKb": b.budget_kb()}
                for b in self.bots.values()
            },
        }
        tmp = STATUS_FILE + ".tmp"
        with open(tmp, "w") as f:
            json.dump(status, f)
        os.replace(tmp, STATUS_FILE)

    def tick(self):
        now = time.time()
        self.reap()
        self.read_pipes()
        if not self.terminating:
            self.read_config()
            for bot in list(self.bots.values()):
                if bot.wanted and bot.warden is None and now >= bot.next_start:
                    self.spawn(bot)
        for bot in self.bots.values():
            if bot.warden and bot.stopping_since and now - bot.stopping_since > STOP_GRACE_S:
                os.kill(bot.warden, signal.SIGKILL)
        if now - self.last_status >= 3:
            self.enforce_memory()
            self.write_status()
            self.last_status = now


def main():
    preload()
    pool = Pool()

    def terminate(*_):
        pool.terminating = True
        for bot in pool.bots.values():
            bot.wanted = False
            pool.stop(bot)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    while True:
        pool.tick()
        if pool.terminating and not any(b.warden for b in pool.bots.values()):
            log("pool stopped")
            return
        time.sleep(TICK_S)


if __name__ == "__main__":
    main()
