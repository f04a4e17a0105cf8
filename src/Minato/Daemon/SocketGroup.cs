using System.Globalization;
using System.Runtime.InteropServices;

namespace Minato.Daemon;

/// <summary>Gives a socket file to a group (the Docker socket's <c>group</c> key), by name from /etc/group or by gid.</summary>
internal static partial class SocketGroup
{
    /// <summary>The gid of <paramref name="group"/>: a number, or a name listed in /etc/group.</summary>
    /// <exception cref="DaemonStartupException">No such group; the message names the key.</exception>
    public static uint Resolve(string group, string key)
    {
        if (uint.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
        {
            return gid;
        }

        foreach (var line in File.Exists("/etc/group") ? File.ReadLines("/etc/group") : [])
        {
            var fields = line.Split(':');
            if (fields.Length >= 3 && fields[0] == group && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out gid))
            {
                return gid;
            }
        }

        throw new DaemonStartupException($"{key}: group \"{group}\" does not exist (create it, e.g. groupadd {group}, or give a gid)");
    }

    /// <summary>chown(2) to root and <paramref name="gid"/>.</summary>
    public static void Apply(string path, uint gid)
    {
        if (Chown(path, 0, gid) != 0)
        {
            throw new DaemonStartupException($"cannot give {path} to group {gid}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint uid, uint gid);
}
