# The sandbox one pooled FreqTrade bot enters before its strategy is imported (see tf_pool.py): its own user, mount,
# network, pid, IPC and UTS namespaces; only its own files, its own /tmp and /dev/shm, no view of the pool's processes;
# a loopback of its own; then every capability dropped, so nothing it runs can undo the mounts that hide its siblings.
# Debian bookworm's Python 3.11 has no os.unshare/os.mount: libc through ctypes.
import ctypes
import fcntl
import os
import socket
import struct

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18

PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_DUMPABLE = 4
CAP_LAST_CAP = 40  # a higher number than this kernel knows is refused with EINVAL, which is ignored

SIOCSIFFLAGS = 0x8914
IFF_UP, IFF_LOOPBACK, IFF_RUNNING = 0x1, 0x8, 0x40


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None):
    enc = lambda s: s.encode() if isinstance(s, str) else s  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {fstype or 'bind'} on {target}")


def die_with_parent(sig=9):
    _check(_libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0), "prctl(PDEATHSIG)")


def enter_namespaces():
    """Own user (uid and gid mapped to themselves, so files keep their owner), mount, network, pid, IPC, UTS
    namespaces. The pid namespace applies to the next fork: the bot runs as pid 1 of its own."""
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"{gid} {gid} 1")


def loopback_up():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", IFF_UP | IFF_LOOPBACK | IFF_RUNNING))


def confine_files(own_dir, pool_dir, bot_dir, egress_dir, socket_dir, egress_view, tmp_mb):
    """Inside the bot's mount namespace: its own directory at `bot_dir`, its egress socket's directory at
    `egress_view` (in a private /tmp), and empty read-only file systems over the pool's data, the socket directory
    (every sibling's API socket) and /proc (every process of the pool)."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, f"size={tmp_mb}m,mode=0700")
    os.makedirs(egress_view, mode=0o700)
    _mount(egress_dir, egress_view, None, MS_BIND)
    _mount(own_dir, bot_dir, None, MS_BIND | MS_REC)
    hidden = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC
    _mount("tmpfs", pool_dir, "tmpfs", hidden, "size=4k,mode=0500")
    _mount("tmpfs", socket_dir, "tmpfs", hidden, "size=4k,mode=0500")
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=16m,mode=0700")
    # A /proc of its own pid namespace when the container allows it (no masked paths); else none at all.
    try:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except OSError:
        _mount("tmpfs", "/proc", "tmpfs", hidden, "size=4k,mode=0555")


def drop_capabilities():
    """Empties the bounding set and the permitted, effective and inheritable sets held in the bot's user namespace."""
    for cap in range(CAP_LAST_CAP + 1):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    header = Header(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3: two Data structs
    data = (Data * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def one_malloc_arena():
    """glibc gives each thread that allocates an arena of its own; one arena for the whole bot keeps its few threads
    from holding several half-empty heaps (M_ARENA_MAX)."""
    _libc.mallopt(-8, 1)
