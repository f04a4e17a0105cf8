using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Minato.Engine.Linux.Interop;
using static Minato.Engine.Linux.Interop.SpawnCalls;

namespace Minato.Engine.Linux.Processes;

/// <summary>Starts a child with chosen descriptors at chosen numbers (conmon's sync pipe is fd 3) and nothing else.</summary>
/// <remarks>
/// <see cref="System.Diagnostics.Process"/> can pass only stdin/stdout/stderr. A pipe made without O_CLOEXEC
/// would leak into every child started meanwhile (a CNI plugin, a pod's init) and keep the pipe open, so the
/// descriptors are CLOEXEC here and posix_spawn's dup2 actions put copies at the target numbers in the child only.
/// Signal dispositions and the mask are reset, since the .NET runtime ignores SIGPIPE and children must not inherit that.
/// </remarks>
public static unsafe class SpawnedProcess
{
    private const int OpaqueSize = 1024;

    /// <summary>Spawns <paramref name="path"/>; stdin/stdout/stderr not given in <paramref name="descriptors"/> are /dev/null.
    /// Returns the pid; reap it with <see cref="WaitAsync"/>.</summary>
    /// <param name="path">Absolute path of the executable.</param>
    /// <param name="argv">The whole argument vector, argv[0] included.</param>
    /// <param name="environment">The complete environment of the child.</param>
    /// <param name="descriptors">Parent descriptors and the numbers they get in the child (0 to 2 replace /dev/null).</param>
    public static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, IReadOnlyList<(SafeFileHandle Handle, int ChildFd)> descriptors)
    {
        var actions = NativeMemory.AllocZeroed(OpaqueSize);
        var attributes = NativeMemory.AllocZeroed(OpaqueSize);
        var signals = NativeMemory.AllocZeroed(OpaqueSize);
        var strings = new List<nint>();
        var added = new List<SafeFileHandle>();
        try
        {
            Check(FileActionsInit(actions), "posix_spawn_file_actions_init");
            Check(AttributesInit(attributes), "posix_spawnattr_init");
            foreach (var fd in Enumerable.Range(0, 3).Where(fd => !descriptors.Any(d => d.ChildFd == fd)))
            {
                Check(FileActionsAddOpen(actions, fd, "/dev/null", ORdWr, 0), "posix_spawn_file_actions_addopen");
            }

            foreach (var (handle, childFd) in descriptors)
            {
                var ok = false;
                handle.DangerousAddRef(ref ok);
                added.Add(handle);
                Check(FileActionsAddDup2(actions, (int)handle.DangerousGetHandle(), childFd), "posix_spawn_file_actions_adddup2");
            }

            _ = SigFillSet(signals);
            _ = SigDelSet(signals, SigKill);
            _ = SigDelSet(signals, SigStop);
            Check(AttributesSetSigDefault(attributes, signals), "posix_spawnattr_setsigdefault");
            _ = SigEmptySet(signals);
            Check(AttributesSetSigMask(attributes, signals), "posix_spawnattr_setsigmask");
            Check(AttributesSetFlags(attributes, PosixSpawnSetSigDef | PosixSpawnSetSigMask), "posix_spawnattr_setflags");

            var argvArray = Vector(argv, strings);
            var envArray = Vector(environment.Select(e => $"{e.Key}={e.Value}").ToList(), strings);
            var pathBytes = Utf8(path, strings);
            int pid;
            var result = PosixSpawn(&pid, pathBytes, actions, attributes, argvArray, envArray);
            if (result != 0)
            {
                throw new SyscallException("posix_spawn", path, result);
            }

            return pid;
        }
        finally
        {
            added.ForEach(h => h.DangerousRelease());
            _ = FileActionsDestroy(actions);
            _ = AttributesDestroy(attributes);
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
            strings.ForEach(p => NativeMemory.Free((void*)p));
        }
    }

    /// <summary>Creates a pipe whose both ends are close-on-exec.</summary>
    public static (SafeFileHandle Read, SafeFileHandle Write) CreatePipe()
    {
        var fds = stackalloc int[2];
        if (Pipe2(fds, OCloExec) != 0)
        {
            throw SyscallException.FromLastError("pipe2");
        }

        return (new SafeFileHandle(fds[0], ownsHandle: true), new SafeFileHandle(fds[1], ownsHandle: true));
    }

    /// <summary>Waits for <paramref name="pid"/> on a dedicated thread and returns its wait status decoded as an exit code.</summary>
    public static Task<int> WaitAsync(int pid) => Task.Factory.StartNew(
        () =>
        {
            int status;
            int result;
            do
            {
                result = WaitPid(pid, &status, 0);
            }
            while (result < 0 && Marshal.GetLastPInvokeError() == 4);

            if (result < 0)
            {
                throw SyscallException.FromLastError("waitpid");
            }

            return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F);
        },
        CancellationToken.None,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);

    private static byte** Vector(IReadOnlyList<string> values, List<nint> strings)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)((values.Count + 1) * sizeof(nint)));
        strings.Add((nint)array);
        for (var i = 0; i < values.Count; i++)
        {
            array[i] = Utf8(values[i], strings);
        }

        return array;
    }

    private static byte* Utf8(string value, List<nint> strings)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("argument or environment value contains NUL", nameof(value));
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        var memory = (byte*)NativeMemory.AllocZeroed((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(memory, bytes.Length));
        strings.Add((nint)memory);
        return memory;
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new SyscallException(call, null, result);
        }
    }
}
