namespace Minato.Engine.Linux;

/// <summary>Sends signals to host processes by pid.</summary>
public static class ProcessKill
{
    /// <summary>kill(2); false when the process is already gone or may not be signalled.</summary>
    public static bool Send(int pid, int signal) => Interop.NamespaceCalls.Kill(pid, signal) == 0;
}
