using System.Runtime.InteropServices;
using Minato.Engine.Linux.Interop;

namespace Minato.Engine.Linux.Namespaces;

/// <summary>Brings up <c>lo</c> in the calling thread's network namespace (a new one starts with it down).</summary>
internal static unsafe class Loopback
{
    private const int AfInet = 2;
    private const int SockDgramCloExec = 2 | 0x80000;
    private const ulong SiocGetFlags = 0x8913;
    private const ulong SiocSetFlags = 0x8914;
    private const short IffUp = 0x1;

    public static void BringUp()
    {
        var fd = NamespaceCalls.Socket(AfInet, SockDgramCloExec, 0);
        if (fd < 0)
        {
            throw SyscallException.FromLastError("socket");
        }

        try
        {
            var request = default(InterfaceRequest);
            request.Name[0] = (byte)'l';
            request.Name[1] = (byte)'o';
            if (NamespaceCalls.Ioctl(fd, SiocGetFlags, &request) < 0)
            {
                throw SyscallException.FromLastError("ioctl(SIOCGIFFLAGS)", "lo");
            }

            request.Flags |= IffUp;
            if (NamespaceCalls.Ioctl(fd, SiocSetFlags, &request) < 0)
            {
                throw SyscallException.FromLastError("ioctl(SIOCSIFFLAGS)", "lo");
            }
        }
        finally
        {
            _ = NamespaceCalls.Close(fd);
        }
    }

    /// <summary>struct ifreq: a 16-byte name and a 24-byte union whose first member is the flags.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 40)]
    private struct InterfaceRequest
    {
        public fixed byte Name[16];
        public short Flags;
    }
}
