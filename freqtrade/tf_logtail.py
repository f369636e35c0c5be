# The end of one pooled bot's console logs, for the platform (run by `docker exec` as the bots' user): the bot's last
# run's log, then its current run's. The bot's directory is the bot's own, and a link it planted there, read from the
# container's view, could lead to a sibling's files; so every path component is opened without following links, and
# only a regular file with one name is read.
import os
import stat
import sys

BOTS_DIR = "/pool/bots"
DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def _open_dirs(path, parts):
    fd = os.open(path, DIR_FLAGS)
    for part in parts:
        try:
            inner = os.open(part, DIR_FLAGS, dir_fd=fd)
        finally:
            os.close(fd)
        fd = inner
    return fd


def _tail(dir_fd, name, max_bytes):
    try:
        fd = os.open(name, FILE_FLAGS, dir_fd=dir_fd)
    except OSError:
        return b""
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
            return b""
        return os.pread(fd, max_bytes, max(0, st.st_size - max_bytes))
    finally:
        os.close(fd)


def main(bot_id, max_bytes):
    if not bot_id or bot_id in (".", "..") or "/" in bot_id:
        sys.exit("tf-logtail: not a bot id")
    try:
        logs = _open_dirs(BOTS_DIR, (bot_id, "user_data", "logs"))
    except OSError:
        return  # no log yet, or a link where a directory should be: nothing to read
    try:
        sys.stdout.buffer.write(_tail(logs, "console.log.1", max_bytes) + b"\n" + _tail(logs, "console.log", max_bytes))
    finally:
        os.close(logs)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
