using System.Runtime.InteropServices;
using Minato.Engine.Linux.Interop;
using static Minato.Engine.Linux.Interop.NamespaceCalls;

namespace Minato.Engine.Linux;

/// <summary>The operating-system boundary for the mounts the core makes (tmpfs, binds) and removes.</summary>
public interface IMounts
{
    /// <summary>Mounts a tmpfs at <paramref name="target"/> (created when missing) with nosuid,nodev,noexec.</summary>
    void MountTmpfs(string target, string options);

    /// <summary>Detaches whatever is mounted at <paramref name="target"/>; succeeds when nothing is.</summary>
    void Unmount(string target);
}

/// <summary>Mounts through mount(2)/umount2(2).</summary>
public sealed class LinuxMounts : IMounts
{
    public void MountTmpfs(string target, string options)
    {
        Directory.CreateDirectory(target);
        if (Mount("tmpfs", target, "tmpfs", MsNoSuid | MsNoDev | MsNoExec, options) != 0)
        {
            throw SyscallException.FromLastError("mount(tmpfs)", target);
        }
    }

    public void Unmount(string target) => Detach(target);

    /// <summary>umount2 with MNT_DETACH, never following a symlink; "not mounted" and "missing" count as done.</summary>
    internal static void Detach(string target) => DetachOne(target);

    /// <summary>Detaches the top mount at <paramref name="target"/>: true when one was detached, false when nothing is
    /// mounted there (or it is missing).</summary>
    internal static bool DetachOne(string target)
    {
        if (Umount2(target, MntDetach | UmountNoFollow) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is EInval or LinuxConstants.ENoEnt ? false : throw new SyscallException("umount2", target, errno);
    }
}
