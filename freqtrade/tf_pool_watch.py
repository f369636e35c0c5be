# What the FreqTrade pool's parent watches of each bot without a thread: the memory of every process of the bot's pid
# namespace (smaps_rollup: rss, pss and uss = private clean + private dirty, in kB) and its thread count, and whether its
# API answers `GET /api/v1/ping` through its socket (a non-blocking ping, read on a later tick).
import os
import socket
import time

PING_TIMEOUT_S = 5


def memory_of(pid):
    out = {"rss": 0, "pss": 0, "uss": 0}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key == "Rss":
                    out["rss"] = int(rest.split()[0])
                elif key == "Pss":
                    out["pss"] = int(rest.split()[0])
                elif key in ("Private_Clean", "Private_Dirty"):
                    out["uss"] += int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return out


def threads_of(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("Threads:")), 0)
    except (OSError, ValueError):
        return 0


def pid_namespace(pid):
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def processes_by_pid_namespace():
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            ns = pid_namespace(entry)
            if ns:
                out.setdefault(ns, []).append(int(entry))
    return out


def measure(bot_pid, by_ns):
    """Memory (summed) and threads of the bot and whatever it started, or (None, 0, 0) once it is gone."""
    pids = by_ns.get(pid_namespace(bot_pid), [bot_pid])
    parts = [m for m in (memory_of(p) for p in pids) if m]
    if not parts:
        return None, 0, 0
    return {k: sum(m[k] for m in parts) for k in ("rss", "pss", "uss")}, len(parts), sum(threads_of(p) for p in pids)


class Ping:
    """One ping of a bot's API through its Unix socket; `result()` is None while it is pending, then True or False."""

    def __init__(self, socket_path):
        self.started = time.time()
        self.buffer = b""
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        try:
            self.sock.connect(socket_path)
            self.sock.send(b"GET /api/v1/ping HTTP/1.1\r\nHost: bot\r\nConnection: close\r\n\r\n")
            self.failed = False
        except OSError:  # nothing listening, backlog full: no answer this time
            self.failed = True

    def result(self):
        if self.failed:
            return self._done(False)
        try:
            chunk = self.sock.recv(256)
            self.buffer += chunk
            if b"\r\n" in self.buffer or not chunk:
                return self._done(self.buffer.split(b"\r\n")[0].split(b" ")[1:2] == [b"200"])
        except BlockingIOError:
            pass
        except OSError:
            return self._done(False)
        return self._done(False) if time.time() - self.started > PING_TIMEOUT_S else None

    def _done(self, ok):
        self.sock.close()
        return ok
