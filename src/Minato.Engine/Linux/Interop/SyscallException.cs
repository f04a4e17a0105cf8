using System.Runtime.InteropServices;

namespace Minato.Engine.Linux.Interop;

/// <summary>A system call failed; carries the call, the path it was given and the errno.</summary>
public sealed class SyscallException : IOException
{
    public SyscallException(string call, string? path, int errno)
        : base(Describe(call, path, errno))
    {
        Call = call;
        Path = path;
        Errno = errno;
        HResult = errno;
    }

    /// <summary>The name of the failed call, for example <c>openat2</c>.</summary>
    public string Call { get; }

    /// <summary>The path argument, relative to the directory the call was made in; null when the call took none.</summary>
    public string? Path { get; }

    /// <summary>The errno value the call set.</summary>
    public int Errno { get; }

    /// <summary>Throws for the errno of the last P/Invoke call when <paramref name="result"/> is negative.</summary>
    internal static void ThrowIfFailed(long result, string call, string? path = null)
    {
        if (result < 0)
        {
            throw FromLastError(call, path);
        }
    }

    internal static SyscallException FromLastError(string call, string? path = null) =>
        new(call, path, Marshal.GetLastPInvokeError());

    private static string Describe(string call, string? path, int errno)
    {
        var what = path is null ? call : $"{call}(\"{path}\")";
        return $"{what} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
    }
}
