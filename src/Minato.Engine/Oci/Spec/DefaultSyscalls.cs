namespace Minato.Engine.Oci.Spec;

/// <summary>The syscall groups <see cref="RuntimeDefaultSeccomp"/> allows, by what they touch.</summary>
/// <remarks>Both 64-bit and 32-bit compat names are listed; a name an architecture lacks is skipped by the runtime.</remarks>
internal static class DefaultSyscalls
{
    public static readonly IReadOnlyList<string> Files =
    [
        "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
        "open", "openat", "openat2", "creat", "close", "close_range", "lseek", "_llseek", "dup", "dup2", "dup3",
        "fcntl", "fcntl64", "ioctl", "flock", "fsync", "fdatasync", "sync", "syncfs", "sync_file_range", "sync_file_range2",
        "truncate", "truncate64", "ftruncate", "ftruncate64", "fallocate", "fadvise64", "fadvise64_64", "arm_fadvise64_64",
        "readahead", "sendfile", "sendfile64", "splice", "tee", "vmsplice", "copy_file_range", "pipe", "pipe2",
        "stat", "stat64", "lstat", "lstat64", "fstat", "fstat64", "newfstatat", "fstatat64", "statx",
        "statfs", "statfs64", "fstatfs", "fstatfs64", "access", "faccessat", "faccessat2", "readlink", "readlinkat",
        "getdents", "getdents64", "chdir", "fchdir", "getcwd", "chroot", "mkdir", "mkdirat", "rmdir",
        "rename", "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat", "unlink", "unlinkat",
        "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32",
        "umask", "utime", "utimes", "utimensat", "utimensat_time64", "futimesat", "mknod", "mknodat",
        "getxattr", "lgetxattr", "fgetxattr", "setxattr", "lsetxattr", "fsetxattr",
        "listxattr", "llistxattr", "flistxattr", "removexattr", "lremovexattr", "fremovexattr",
        "inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch", "memfd_create",
        "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self",
    ];

    public static readonly IReadOnlyList<string> Memory =
    [
        "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "pkey_mprotect", "pkey_alloc", "pkey_free",
        "madvise", "mincore", "mlock", "mlock2", "mlockall", "munlock", "munlockall", "msync", "membarrier",
        "remap_file_pages", "cacheflush", "set_tls", "arch_prctl", "get_thread_area", "set_thread_area",
    ];

    public static readonly IReadOnlyList<string> Processes =
    [
        "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "waitpid",
        "getpid", "getppid", "gettid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid",
        "getuid", "getuid32", "geteuid", "geteuid32", "getgid", "getgid32", "getegid", "getegid32",
        "setuid", "setuid32", "setgid", "setgid32", "setreuid", "setreuid32", "setregid", "setregid32",
        "setresuid", "setresuid32", "setresgid", "setresgid32", "getresuid", "getresuid32", "getresgid", "getresgid32",
        "getgroups", "getgroups32", "setgroups", "setgroups32", "setfsuid", "setfsuid32", "setfsgid", "setfsgid32",
        "capget", "capset", "prctl", "seccomp", "set_tid_address", "set_robust_list", "get_robust_list", "rseq",
        "futex", "futex_time64", "futex_waitv", "futex_wake", "futex_wait", "futex_requeue",
        "getpriority", "setpriority", "sched_yield", "sched_getaffinity", "sched_setaffinity",
        "sched_getparam", "sched_setparam", "sched_getscheduler", "sched_setscheduler",
        "sched_get_priority_max", "sched_get_priority_min", "sched_rr_get_interval", "sched_rr_get_interval_time64",
        "sched_getattr", "sched_setattr", "getrlimit", "setrlimit", "ugetrlimit", "prlimit64", "getrusage", "times",
        "uname", "sethostname", "setdomainname", "sysinfo", "getrandom", "getcpu", "ioprio_get", "ioprio_set",
        "pidfd_open", "pidfd_send_signal", "restart_syscall",
    ];

    public static readonly IReadOnlyList<string> Signals =
    [
        "kill", "tkill", "tgkill", "sigaltstack", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigsuspend",
        "rt_sigpending", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
        "sigaction", "sigprocmask", "sigreturn", "sigsuspend", "sigpending", "signal", "signalfd", "signalfd4", "pause",
    ];

    public static readonly IReadOnlyList<string> Time =
    [
        "time", "gettimeofday", "clock_gettime", "clock_gettime64", "clock_getres", "clock_getres_time64",
        "clock_nanosleep", "clock_nanosleep_time64", "nanosleep", "adjtimex", "alarm", "getitimer", "setitimer",
        "timer_create", "timer_delete", "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64",
        "timer_getoverrun", "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64",
    ];

    public static readonly IReadOnlyList<string> Events =
    [
        "select", "_newselect", "pselect6", "pselect6_time64", "poll", "ppoll", "ppoll_time64",
        "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_wait", "epoll_wait_old", "epoll_pwait", "epoll_pwait2",
        "eventfd", "eventfd2", "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents",
        "io_pgetevents", "io_pgetevents_time64",
    ];

    public static readonly IReadOnlyList<string> Network =
    [
        "socket", "socketpair", "socketcall", "bind", "connect", "listen", "accept", "accept4",
        "getsockname", "getpeername", "send", "sendto", "sendmsg", "sendmmsg", "recv", "recvfrom", "recvmsg",
        "recvmmsg", "recvmmsg_time64", "shutdown", "setsockopt", "getsockopt",
    ];

    public static readonly IReadOnlyList<string> Ipc =
    [
        "ipc", "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop", "semtimedop_time64", "semctl",
        "msgget", "msgsnd", "msgrcv", "msgctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedsend_time64",
        "mq_timedreceive", "mq_timedreceive_time64", "mq_notify", "mq_getsetattr",
    ];

    /// <summary>Tracing another process: the kernel's ptrace access check (same user or CAP_SYS_PTRACE) guards these,
    /// and since Linux 4.8 a tracer can no longer use them to skip the tracee's seccomp filter.</summary>
    public static readonly IReadOnlyList<string> Debugging =
    [
        "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "kcmp", "pidfd_getfd",
    ];

    /// <summary>Namespaces, mounts and quotas: the operations that reconfigure the container's own isolation.</summary>
    public static readonly IReadOnlyList<string> SysAdmin =
    [
        "clone", "clone3", "unshare", "setns", "mount", "umount", "umount2", "pivot_root",
        "fsopen", "fsconfig", "fsmount", "fspick", "open_tree", "move_mount", "mount_setattr",
        "quotactl", "quotactl_fd", "fanotify_init", "fanotify_mark", "lookup_dcookie", "swapon", "swapoff",
    ];
}
