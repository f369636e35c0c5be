# One pooled bot's warden and the bot itself (forked from tf_pool.py). The warden keeps only the fds the bot needs,
# enters the bot's namespaces, forks the bot (pid 1 of its own pid namespace), tells the pool the bot's pid and exits.
# The bot confines its files, drops every capability, sends its console to its own log file, starts its relays (API
# socket -> FreqTrade on its own loopback; ccxt's proxy port -> its egress socket) and runs FreqTrade, which imports the
# user's strategy: the first user code.
import gc
import os
import resource
import signal
import socket
import sys
import threading

import tf_channel
import tf_sandbox

POOL_DIR = "/pool"
BOT_DIR = "/freqtrade"
EGRESS_VIEW = "/tmp/tf-egress"
MAX_TASKS = 256  # threads and processes of one bot, unless the bot list says otherwise (maxTasks)


def _keep_only(fds):
    for fd in os.listdir("/proc/self/fd"):
        n = int(fd)
        if n > 2 and n not in fds:
            try:
                os.close(n)
            except OSError:
                pass


def _console(path):
    """Points fds 0-2 at `path` (None: /dev/null), keeping the last run's log as `path`.1 (the platform reads why that
    run ended from it, tf_logtail.py). Opened only inside the bot's confined view, where a link the bot planted in its
    directory can lead nowhere but its own files."""
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    out = devnull
    if path:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        try:
            os.rename(path, path + ".1")
        except OSError:
            pass  # no last run, or a bot that put something odd there: it loses only its own old log
        out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    for fd in {devnull, out}:
        os.close(fd)


def _private_kb(rollup_fd):
    """This process's private memory, read through its smaps_rollup opened before /proc was hidden."""
    text = os.pread(rollup_fd, 8192, 0).decode()
    return sum(int(line.split()[1]) for line in text.splitlines() if line.startswith(("Private_Clean:", "Private_Dirty:")))


def run(bot_id, spec, listener, report_fd, keep):
    """The warden (never returns)."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)
    tf_sandbox.die_with_parent()
    own_dir = os.path.join(POOL_DIR, "bots", bot_id)
    egress_dir = os.path.join(tf_channel.SOCKET_DIR, f"e-{bot_id}")
    _keep_only(keep)
    _console(None)
    # The kernel's OOM killer takes a bot before the pool's parent (raising one's own score needs no privilege).
    with open("/proc/self/oom_score_adj", "w") as f:
        f.write("1000")
    tf_sandbox.enter_namespaces()
    pid = os.fork()
    if pid == 0:
        try:
            _bot(spec, listener, own_dir, egress_dir, report_fd)
        except SystemExit as e:
            os._exit(e.code if isinstance(e.code, int) else 1)
        except BaseException as e:  # noqa: BLE001 - told to the pool before the console is set up, else to the console
            if _early_report["fd"] is not None:
                os.write(_early_report["fd"], f"error {e!r}"[:500].replace("\n", " ").encode() + b"\n")
            else:
                print(f"tf-pool: the bot ended: {e!r}", file=sys.stderr, flush=True)
            os._exit(71)
        os._exit(0)
    # The bot outlives its warden: orphaned, it becomes the child of the container's pid 1, the pool's parent, which
    # then reaps it, watches its API and measures it. A warden kept alive would cost every bot a few MiB more.
    os.write(report_fd, f"pid {pid}\n".encode())
    os._exit(0)


_early_report = {"fd": None}  # the pool's pipe, until the bot's console is its own log file


def _bot(spec, listener, own_dir, egress_dir, report_fd):
    _early_report["fd"] = report_fd
    tf_sandbox.loopback_up()
    tf_sandbox.one_malloc_arena()
    rollup_fd = os.open("/proc/self/smaps_rollup", os.O_RDONLY)
    tf_sandbox.confine_files(own_dir, POOL_DIR, BOT_DIR, egress_dir, tf_channel.SOCKET_DIR, EGRESS_VIEW, int(spec.get("tmpMb", 64)))
    tf_sandbox.drop_capabilities()
    # Threads and processes, counted in the bot's own user namespace: a bot that spawns without end stops at its own
    # limit, not at the container's pids limit its siblings share. Without CAP_SYS_RESOURCE it cannot raise it again.
    resource.setrlimit(resource.RLIMIT_NPROC, (int(spec.get("maxTasks") or MAX_TASKS),) * 2)
    _console(os.path.join(BOT_DIR, "user_data", "logs", "console.log"))
    os.close(report_fd)
    _early_report["fd"] = None
    gc.enable()  # the pool's parent keeps it off (see tf_pool.preload); what it froze stays out of every collection
    os.chdir(BOT_DIR)
    for key in list(os.environ):
        if key not in ("PATH", "LANG", "LC_ALL", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "TZ"):
            del os.environ[key]
    os.environ["HOME"] = "/tmp"
    port = int(spec["apiPort"])
    egress = os.path.join(EGRESS_VIEW, "egress.sock")
    relays = [
        (listener, lambda: socket.create_connection(("127.0.0.1", port))),
        (tf_channel.tcp_listener(tf_channel.EGRESS_PORT), lambda: tf_channel.unix_connect(egress)),
    ]
    for server, connect in relays:
        threading.Thread(target=tf_channel.serve, args=(server, connect), daemon=True).start()
    print(f"tf-pool: sandbox ready, {_private_kb(rollup_fd) // 1024} MiB private before FreqTrade starts", flush=True)
    os.close(rollup_fd)
    from freqtrade.main import main as freqtrade_main

    freqtrade_main(["trade", "--config", os.path.join(BOT_DIR, "config.json")])
