# Lets the kernel's same-page merging (KSM) share again what each pooled bot copies of its parent's memory. A bot forked
# from the pool's parent shares the parent's pages until it writes to one; CPython writes to every object it uses (its
# reference count), so each bot ends up with a private copy of most of the parent's pages it touches: about 45 MiB
# each, nearly the same in every bot. The parent marks its own private memory mergeable just before it forks any bot
# (madvise MADV_MERGEABLE; each bot's copy of those areas inherits the mark): ksmd then merges the bots' identical
# copies back into one page. Memory a bot maps on its own afterwards is not marked. Needs KSM running on the host
# (/sys/kernel/mm/ksm/run = 1); without it the mark does nothing. See docs/security.md for what merging trades.
import ctypes

MADV_MERGEABLE = 12


def mark_mergeable():
    """Marks every private writable mapping of this process (heap, allocator arenas, libraries' data) mergeable;
    returns the bytes marked."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    marked = 0
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            perms, name = fields[1], (fields[5] if len(fields) > 5 else "")
            if not perms.startswith("rw") or perms[3] != "p" or name in ("[stack]", "[vvar]", "[vdso]", "[vsyscall]"):
                continue
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if libc.madvise(start, end - start, MADV_MERGEABLE) == 0:
                marked += end - start
    return marked


def ksm_running():
    try:
        with open("/sys/kernel/mm/ksm/run") as f:
            return f.read().strip() == "1"
    except OSError:
        return False
