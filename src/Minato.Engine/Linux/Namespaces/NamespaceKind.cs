namespace Minato.Engine.Linux.Namespaces;

/// <summary>The namespace kinds a pod sandbox can own and pin.</summary>
public enum NamespaceKind
{
    /// <summary>Network: interfaces, addresses, routes, ports.</summary>
    Net,

    /// <summary>System V IPC and POSIX message queues.</summary>
    Ipc,

    /// <summary>Hostname and domain name.</summary>
    Uts,

    /// <summary>Process ids; needs a live init process to be joined.</summary>
    Pid,

    /// <summary>User and group ids and capabilities; the pod's other new namespaces are made inside it, so it owns them.</summary>
    User,
}

/// <summary>Names and clone flags of <see cref="NamespaceKind"/> values.</summary>
public static class NamespaceKinds
{
    /// <summary>The name under <c>/proc/PID/ns/</c>.</summary>
    public static string ProcName(this NamespaceKind kind) => kind switch
    {
        NamespaceKind.Net => "net",
        NamespaceKind.Ipc => "ipc",
        NamespaceKind.Uts => "uts",
        NamespaceKind.Pid => "pid",
        NamespaceKind.User => "user",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    internal static int CloneFlag(this NamespaceKind kind) => kind switch
    {
        NamespaceKind.Net => Interop.NamespaceCalls.CloneNewNet,
        NamespaceKind.Ipc => Interop.NamespaceCalls.CloneNewIpc,
        NamespaceKind.Uts => Interop.NamespaceCalls.CloneNewUts,
        NamespaceKind.Pid => Interop.NamespaceCalls.CloneNewPid,
        NamespaceKind.User => Interop.NamespaceCalls.CloneNewUser,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
