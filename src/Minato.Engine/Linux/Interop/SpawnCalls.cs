using System.Runtime.InteropServices;

namespace Minato.Engine.Linux.Interop;

/// <summary>libc's posix_spawn family, pipes and waitpid, for children that must inherit specific descriptors.</summary>
internal static unsafe partial class SpawnCalls
{
    private const string LibraryName = "libc";

    public const short PosixSpawnSetSigDef = 0x04;
    public const short PosixSpawnSetSigMask = 0x08;
    public const int OCloExec = 0x80000;
    public const int ORdWr = 2;
    public const int SigKill = 9;
    public const int SigStop = 19;

    [LibraryImport(LibraryName, EntryPoint = "posix_spawn")]
    internal static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_init")]
    internal static partial int FileActionsInit(void* fileActions);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_destroy")]
    internal static partial int FileActionsDestroy(void* fileActions);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_adddup2")]
    internal static partial int FileActionsAddDup2(void* fileActions, int fd, int newFd);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_addopen", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int FileActionsAddOpen(void* fileActions, int fd, string path, int flags, uint mode);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_init")]
    internal static partial int AttributesInit(void* attributes);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_destroy")]
    internal static partial int AttributesDestroy(void* attributes);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_setflags")]
    internal static partial int AttributesSetFlags(void* attributes, short flags);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_setsigmask")]
    internal static partial int AttributesSetSigMask(void* attributes, void* sigset);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_setsigdefault")]
    internal static partial int AttributesSetSigDefault(void* attributes, void* sigset);

    [LibraryImport(LibraryName, EntryPoint = "sigemptyset")]
    internal static partial int SigEmptySet(void* sigset);

    [LibraryImport(LibraryName, EntryPoint = "sigfillset")]
    internal static partial int SigFillSet(void* sigset);

    [LibraryImport(LibraryName, EntryPoint = "sigdelset")]
    internal static partial int SigDelSet(void* sigset, int signal);

    [LibraryImport(LibraryName, EntryPoint = "pipe2", SetLastError = true)]
    internal static partial int Pipe2(int* fds, int flags);

    [LibraryImport(LibraryName, EntryPoint = "waitpid", SetLastError = true)]
    internal static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport(LibraryName, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
