// The seccomp profile of a FreqTrade pool container. Docker's default profile refuses `unshare` and `mount` to a
// container without CAP_SYS_ADMIN; a pool's parent needs both to give each bot its own user, mount, network and pid
// namespaces (freqtrade/tf_sandbox.py). They act only inside namespaces the container's unprivileged user owns (no
// capability in the host's namespace is gained). Everything else that Docker's default keeps from an unprivileged
// container stays refused: kernel keyrings, BPF, perf, ptrace and cross-process memory access, module, clock, swap and
// reboot calls, setns, the new mount API, userfaultfd and io_uring.

/** Refused with EPERM. */
const REFUSED = [
  // kernel keyrings (not namespaced)
  'add_key', 'keyctl', 'request_key',
  // tracing, other processes' memory and handles
  'ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd', 'process_madvise', 'perf_event_open',
  'bpf', 'userfaultfd', 'lookup_dcookie', 'syslog',
  // entering another process's namespaces; changing the root
  'setns', 'pivot_root', 'chroot',
  // the new mount API (the classic mount(2) the sandbox uses is enough)
  'fsopen', 'fsconfig', 'fsmount', 'fspick', 'move_mount', 'open_tree', 'mount_setattr',
  // the machine: modules, clocks, swap, reboot, accounting, quotas, NUMA policy, consoles
  'init_module', 'finit_module', 'delete_module', 'create_module', 'query_module', 'get_kernel_syms',
  'kexec_load', 'kexec_file_load', 'reboot', 'swapon', 'swapoff', 'acct', 'quotactl', 'quotactl_fd',
  'settimeofday', 'clock_settime', 'clock_settime64', 'clock_adjtime', 'clock_adjtime64', 'adjtimex', 'stime',
  'ioperm', 'iopl', 'vhangup', 'nfsservctl', 'uselib', 'ustat', 'sysfs', '_sysctl', 'vm86', 'vm86old',
  'mbind', 'set_mempolicy', 'get_mempolicy', 'set_mempolicy_home_node', 'move_pages', 'migrate_pages',
  'name_to_handle_at', 'open_by_handle_at', 'fanotify_init',
  // io_uring bypasses seccomp for the operations it runs
  'io_uring_setup', 'io_uring_enter', 'io_uring_register',
];

export interface SeccompProfile {
  defaultAction: string;
  architectures: string[];
  syscalls: Array<{ names: string[]; action: string; errnoRet?: number; args?: Array<{ index: number; value: number; op: string }> }>;
}

/** The profile as Docker's API takes it (`SecurityOpt: ['seccomp=<json>']`). */
export function poolSeccompProfile(): SeccompProfile {
  return {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'],
    syscalls: [
      { names: REFUSED, action: 'SCMP_ACT_ERRNO', errnoRet: 1 },
      // clone3 cannot be filtered on its flags: ENOSYS makes libc fall back to clone
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      // socket(AF_VSOCK) reaches the hypervisor
      { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 97, args: [{ index: 0, value: 40, op: 'SCMP_CMP_EQ' }] },
    ],
  };
}

export const poolSecurityOpt = (): string[] => ['no-new-privileges', `seccomp=${JSON.stringify(poolSeccompProfile())}`];
