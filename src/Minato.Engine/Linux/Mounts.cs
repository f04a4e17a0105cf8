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
    internal static void Detach(string target)
    {
        if (Umount2(target, MntDetach | UmountNoFollow) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is not (EInval or LinuxConstants.ENoEnt))
            {
                throw new SyscallException("umount2", target, errno);
            }
        }
    }
}
