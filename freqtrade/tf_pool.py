# A FreqTrade pool container's parent process (pid 1 of the container). It imports FreqTrade and its heavy libraries
# once (tf_preload.py), then forks one warden per bot of /pool/pool.json; the warden enters the bot's sandbox
# (tf_sandbox.py), forks the bot and exits, so the bot becomes this process's child. Bots share this process's pages
# copy-on-write: a bot costs its private memory only. This process runs no user code and no thread (forking stays
# safe); it restarts a bot that exits, stops answering or outgrows its memory budget, alone, and writes each bot's state
# and memory to /pool/run/status.json.
import json
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tf_channel  # noqa: E402
import tf_pool_watch as watch  # noqa: E402
import tf_preload  # noqa: E402
import tf_warden  # noqa: E402

POOL_DIR = "/pool"
CONFIG_FILE = os.path.join(POOL_DIR, "pool.json")
STATUS_FILE = os.path.join(POOL_DIR, "run", "status.json")  # run/: the one folder of the volume this process writes
BOT_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
DEFAULT_BUDGET_MB = 256
TICK_S = 1.0
BACKOFF_S = (2, 5, 10, 30, 60)
STOP_GRACE_S = 10
PING_EVERY_S = 5
HUNG_AFTER_S = 60  # silent this long after answering once (the bot list may say otherwise: hungAfterS)
FIRST_ANSWER_WITHIN_S = 600  # FreqTrade starting on a busy machine with many siblings starting too


def log(message, **fields):
    print(json.dumps({"t": round(time.time(), 3), "msg": message, **fields}), file=sys.stderr, flush=True)


class Bot:
    def __init__(self, spec):
        self.id, self.spec = spec["id"], spec
        self.listener = None
        self.warden = None  # the warden's pid while it sets the bot up
        self.pid = None  # the bot's pid as this container sees it (pid 1 of its own namespace)
        self.handed_over = False  # the warden sent the bot's pid: the bot's end is then the bot's, not the warden's
        self.pipe, self.buffer = None, b""
        self.state, self.restarts, self.last_exit = "starting", 0, None
        self.reload = False  # its strategy changed: its next end is planned, and it starts again at once
        self.next_start, self.started_at, self.stopping_since = 0.0, None, None
        self.wanted = True
        self.memory, self.processes, self.threads = None, 0, 0
        self.pending_reason = None
        self.ping, self.last_ping, self.answered_at = None, 0.0, None

    def budget_kb(self):
        return int(self.spec.get("memoryMb") or DEFAULT_BUDGET_MB) * 1024

    def socket_path(self):
        return os.path.join(tf_channel.SOCKET_DIR, f"api-{self.id}.sock")

    def alive(self):
        return bool(self.warden or self.pid)


class Pool:
    def __init__(self):
        self.bots = {}
        self.config_raw = None
        self.last_status = 0.0
        self.terminating = False

    def read_config(self):
        # Compared by content, not mtime: the platform writes the list through Docker's archive API, whose files carry
        # whole-second times, so two lists written within one second would look unchanged.
        try:
            with open(CONFIG_FILE, "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            return
        except OSError as e:
            log("pool.json unreadable; keeping the current bots", error=str(e))
            return
        if raw == self.config_raw:
            return
        try:
            wanted = json.loads(raw).get("bots", [])
        except ValueError as e:
            log("pool.json unreadable; keeping the current bots", error=str(e))
            return
        self.config_raw = raw
        specs = {b["id"]: b for b in wanted if isinstance(b, dict) and BOT_ID.match(str(b.get("id", ""))) and isinstance(b.get("apiPort"), int)}
        for bot_id, bot in list(self.bots.items()):
            if bot_id not in specs and bot.wanted:
                bot.wanted = False
                if bot.alive():
                    self.stop(bot)
                else:  # waiting out its restart backoff: no process to stop, so nothing would ever end it
                    self.forget(bot)
        for bot_id, spec in specs.items():
            bot = self.bots.get(bot_id)
            if bot:  # still known (perhaps stopping: it starts again once its process is gone)
                changed = bot.spec.get("strategy") != spec.get("strategy")
                bot.wanted, bot.spec = True, spec
                if changed and bot.alive():  # a strategy move: FreqTrade loads its strategy only as it starts
                    bot.reload = True
                    if bot.state != "stopping":
                        log("bot's strategy changed; restarting it", bot=bot_id)
                        self.stop(bot)
                continue
            self.bots[bot_id] = Bot(spec)
            log("bot added", bot=bot_id)

    def spawn(self, bot):
        if bot.listener is None:  # kept across restarts: the platform's connections queue while the bot comes back
            bot.listener = tf_channel.unix_listener(bot.socket_path())
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(read_end)
                tf_warden.run(bot.id, bot.spec, bot.listener, write_end, {bot.listener.fileno(), write_end})
            except BaseException as e:  # noqa: BLE001 - the pool logs why the warden could not set the bot up
                try:
                    os.write(write_end, f"error {e!r}"[:500].replace("\n", " ").encode() + b"\n")
                except OSError:
                    pass
            finally:
                os._exit(70)
        os.close(write_end)
        os.set_blocking(read_end, False)
        bot.warden, bot.pid, bot.handed_over, bot.pipe, bot.buffer = pid, None, False, read_end, b""
        bot.stopping_since = None  # a bot stopped and wanted again: its stop grace was the old process's, not this one's
        bot.state, bot.started_at, bot.pending_reason, bot.answered_at = "starting", time.time(), None, None
        log("bot started", bot=bot.id, restarts=bot.restarts)

    def stop(self, bot):
        bot.state, bot.stopping_since = "stopping", time.time()
        self.signal(bot, signal.SIGINT)  # FreqTrade stops cleanly on KeyboardInterrupt

    def signal(self, bot, sig):
        for pid in (bot.pid, bot.warden):
            if pid:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
                return

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
                    bot.pid, bot.handed_over = int(value), True
                elif word == "error":
                    log("bot could not enter its sandbox", bot=bot.id, error=value)

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.read_pipes()  # a bot that ended at once is known by the pid its warden sent before exiting
            code = os.waitstatus_to_exitcode(status)
            # Over a copy: ended() forgets a bot that is no longer wanted (a dict changed while iterated raised, and the
            # parent, pid 1, died with every bot).
            for bot in list(self.bots.values()):
                if bot.warden == pid:
                    bot.warden = None
                    if not bot.handed_over:
                        self.ended(bot, code, bot.pending_reason or "sandbox")
                    break
                if bot.pid == pid:
                    self.ended(bot, code, bot.pending_reason or ("exited" if code >= 0 else f"signal {-code}"))
                    break

    def ended(self, bot, code, reason):
        planned = bot.reload and bot.wanted
        bot.reload = False
        if not planned:
            bot.last_exit = {"at": round(time.time(), 3), "code": code, "reason": reason}
        bot.pid, bot.memory = None, None
        if bot.ping:
            bot.ping.sock.close()
            bot.ping = None
        if bot.pipe is not None:
            os.close(bot.pipe)
            bot.pipe = None
        if not bot.wanted:
            self.forget(bot)
            return
        if planned:
            bot.state, bot.next_start = "restarting", time.time()
            log("bot starting on its new strategy", bot=bot.id)
            return
        ran = time.time() - (bot.started_at or time.time())
        streak = 0 if ran > 300 else min(bot.restarts, len(BACKOFF_S) - 1)
        bot.restarts += 1
        bot.state, bot.next_start = "restarting", time.time() + BACKOFF_S[streak]
        log("bot ended; restarting it alone", bot=bot.id, code=code, reason=reason, ran_s=round(ran))

    def forget(self, bot):
        """A bot no longer listed whose process is gone: its socket closes, the platform's sign that its files are final."""
        log("bot stopped", bot=bot.id)
        if bot.listener is not None:
            bot.listener.close()
        try:
            os.unlink(bot.socket_path())
        except OSError:
            pass
        del self.bots[bot.id]

    def kill(self, bot, reason, **fields):
        log(f"bot {reason}; restarting it", bot=bot.id, **fields)
        bot.pending_reason = reason
        self.signal(bot, signal.SIGKILL)

    def check_health(self, now):
        for bot in list(self.bots.values()):
            if not bot.pid or not bot.wanted:
                continue
            if bot.ping:
                ok = bot.ping.result()
                if ok is None:
                    continue
                bot.ping = None
                if ok:
                    bot.answered_at = now
                    if bot.state == "starting":
                        bot.state = "running"
            silent = now - (bot.answered_at or bot.started_at)
            limit = int(bot.spec.get("hungAfterS") or HUNG_AFTER_S) if bot.answered_at else FIRST_ANSWER_WITHIN_S
            if silent > limit:
                self.kill(bot, "hung", silent_s=round(silent))
            elif not bot.ping and now - bot.last_ping >= PING_EVERY_S:
                bot.ping, bot.last_ping = watch.Ping(bot.socket_path()), now

    def enforce_memory(self):
        by_ns = watch.processes_by_pid_namespace()
        for bot in self.bots.values():
            if bot.pid:
                bot.memory, bot.processes, bot.threads = watch.measure(bot.pid, by_ns)
                if bot.memory and bot.memory["uss"] > bot.budget_kb() and bot.wanted:
                    self.kill(bot, "memory", uss_kb=bot.memory["uss"], budget_kb=bot.budget_kb())

    def write_status(self):
        status = {
            "at": round(time.time(), 3),
            "parent": {"pid": os.getpid(), **(watch.memory_of(os.getpid()) or {})},
            "bots": {
                b.id: {"state": b.state, "pid": b.pid, "restarts": b.restarts, "lastExit": b.last_exit, "startedAt": b.started_at,
                       "memory": b.memory, "processes": b.processes, "threads": b.threads, "budgetKb": b.budget_kb()}
                for b in self.bots.values()
            },
        }
        with open(STATUS_FILE + ".tmp", "w") as f:
            json.dump(status, f)
        os.replace(STATUS_FILE + ".tmp", STATUS_FILE)

    def tick(self):
        now = time.time()
        self.reap()
        self.read_pipes()
        if not self.terminating:
            self.read_config()
            for bot in list(self.bots.values()):
                if bot.wanted and not bot.alive() and now >= bot.next_start:
                    self.spawn(bot)
        for bot in self.bots.values():
            if bot.alive() and bot.stopping_since and now - bot.stopping_since > STOP_GRACE_S:
                self.signal(bot, signal.SIGKILL)
        self.check_health(now)
        if now - self.last_status >= 3:
            self.enforce_memory()
            self.write_status()
            self.last_status = now


def main():
    tf_preload.preload(log)
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
        if pool.terminating and not any(b.alive() for b in pool.bots.values()):
            log("pool stopped")
            return
        time.sleep(TICK_S)


if __name__ == "__main__":
    main()
