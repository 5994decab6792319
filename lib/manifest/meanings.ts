/**
 * What each value of the manifest's enumerations means, for the reference docs and the
 * language server's hover (through `FieldSpec.meanings`). The modes are the Go
 * definition's comments (`../shared/seed/manifest.go.txt`); the capabilities are
 * capabilities(7)'s; the rest follow docs/manifest-v2 and the cross-field rules.
 */
import type { LandlockProfile, Mode, NetworkMode, WritableLayerMode } from './model.js';

export const MODE_MEANINGS: Readonly<Record<Mode, string>> = {
  container:
    'A standard systemd-nspawn container with no custom kernel: the fastest to start, the smallest footprint.',
  'hybrid-native':
    'A systemd-nspawn container in boot mode with the host kernel: full namespace isolation with a shared kernel (the primary Volt mode). Needs `kernel.path`.',
  'hybrid-kvm':
    'The workload inside a lightweight KVM guest with a custom kernel: the strongest isolation boundary. Needs `kernel.path`.',
  'hybrid-emulated':
    'The workload under user-mode emulation (proot or QEMU user mode), for another CPU architecture.',
};

export const LANDLOCK_MEANINGS: Readonly<Record<LandlockProfile, string>> = {
  strict: 'The most restrictive pre-built Landlock policy.',
  default: 'The pre-built Landlock policy for most workloads.',
  permissive: 'The least restrictive pre-built Landlock policy.',
  custom: 'A policy of your own: an absolute path to its file is read as `custom`.',
};

export const SECCOMP_MEANINGS: Readonly<Record<string, string>> = {
  default: 'The pre-built system-call filter for most workloads.',
  strict: 'A tighter pre-built system-call filter than `default`.',
  unconfined: 'No seccomp filter: every system call is allowed.',
};

export const NETWORK_MEANINGS: Readonly<Record<NetworkMode, string>> = {
  bridge:
    'Its own network namespace on a bridge of the host, with its own address; `ports` publishes ports.',
  host: "The host's network namespace, not isolated: `address` is not allowed and `ports` is ignored.",
  none: 'Its own network namespace with no network: `address` and `ports` are not allowed.',
  custom: 'A network the operator sets up outside the manifest.',
};

export const WRITABLE_LAYER_MEANINGS: Readonly<Record<WritableLayerMode, string>> = {
  overlay:
    'An overlay file system over the rootfs: writes go to an upper layer on disk (a warning with `read_only_rootfs = true`).',
  tmpfs: 'An overlay whose upper layer is a tmpfs: writes are kept in memory and lost at exit.',
  none: 'No writable layer over the rootfs.',
};

/** capabilities(7), one line each. */
export const CAPABILITY_MEANINGS: Readonly<Record<string, string>> = {
  CAP_CHOWN: 'Make arbitrary changes to file UIDs and GIDs.',
  CAP_DAC_OVERRIDE: 'Bypass file read, write and execute permission checks.',
  CAP_DAC_READ_SEARCH:
    'Bypass file read permission checks and directory read and execute permission checks.',
  CAP_FOWNER:
    "Bypass permission checks on operations that require the file's UID to match the process's (chmod, utime, …).",
  CAP_FSETID:
    'Keep the set-user-ID and set-group-ID bits when a file is modified; set the set-group-ID bit for a group the process is not in.',
  CAP_KILL: 'Bypass permission checks for sending signals.',
  CAP_SETGID: 'Make arbitrary changes to process GIDs and the supplementary GID list.',
  CAP_SETUID: 'Make arbitrary changes to process UIDs.',
  CAP_SETPCAP:
    'Add any capability of the bounding set to the inheritable set; drop capabilities from the bounding set; change the securebits flags.',
  CAP_LINUX_IMMUTABLE: 'Set the immutable and append-only file flags.',
  CAP_NET_BIND_SERVICE: 'Bind a socket to a privileged port (below 1024).',
  CAP_NET_BROADCAST: 'Make socket broadcasts and listen to multicasts (unused).',
  CAP_NET_ADMIN:
    'Network administration: interfaces, firewall, routing tables, socket options, promiscuous mode, ….',
  CAP_NET_RAW: 'Use RAW and PACKET sockets; bind to any address for transparent proxying.',
  CAP_IPC_LOCK: 'Lock memory (mlock, mlockall, mmap, shmctl).',
  CAP_IPC_OWNER: 'Bypass permission checks for operations on System V IPC objects.',
  CAP_SYS_MODULE: 'Load and unload kernel modules.',
  CAP_SYS_RAWIO: 'Perform I/O port operations (iopl, ioperm) and access /proc/kcore.',
  CAP_SYS_CHROOT: 'Use chroot and change mount namespaces with setns.',
  CAP_SYS_PTRACE: 'Trace arbitrary processes with ptrace; inspect them with process_vm_readv.',
  CAP_SYS_PACCT: 'Use acct (process accounting).',
  CAP_SYS_ADMIN:
    'A wide range of system administration: mount, swapon, sethostname, namespaces, quotas, … (overloaded: close to root).',
  CAP_SYS_BOOT: 'Use reboot and kexec_load.',
  CAP_SYS_NICE:
    'Raise process nice values, set real-time scheduling policies and CPU affinity of arbitrary processes.',
  CAP_SYS_RESOURCE:
    'Override resource limits (disk quota, rlimits, reserved ext4 space, message queue sizes, …).',
  CAP_SYS_TIME: 'Set the system clock and the real-time (hardware) clock.',
  CAP_SYS_TTY_CONFIG: 'Use vhangup; employ privileged ioctls on virtual terminals.',
  CAP_MKNOD: 'Create special files with mknod.',
  CAP_LEASE: 'Establish leases on arbitrary files.',
  CAP_AUDIT_WRITE: 'Write records to the kernel audit log.',
  CAP_AUDIT_CONTROL: 'Enable and disable kernel auditing; change audit filter rules.',
  CAP_SETFCAP: 'Set arbitrary capabilities on a file.',
  CAP_MAC_OVERRIDE: 'Override Mandatory Access Control (for Smack).',
  CAP_MAC_ADMIN: 'Change the Mandatory Access Control configuration or state (for Smack).',
  CAP_SYSLOG:
    'Privileged syslog operations; see kernel addresses in /proc when kptr_restrict is 1.',
  CAP_WAKE_ALARM: 'Trigger something that will wake up the system (CLOCK_REALTIME_ALARM timers).',
  CAP_BLOCK_SUSPEND: 'Employ features that can block system suspend (EPOLLWAKEUP, wake locks).',
  CAP_AUDIT_READ: 'Read the audit log through a multicast netlink socket.',
  CAP_PERFMON: 'Use performance monitoring (perf_event_open, BPF performance programs).',
  CAP_BPF:
    'Privileged BPF operations (bpf), with CAP_PERFMON or CAP_NET_ADMIN for some program types.',
  CAP_CHECKPOINT_RESTORE:
    'Checkpoint and restore: set ns_last_pid, choose PIDs with clone3, read other processes’ map files.',
};
