namespace Minato.Daemon;

/// <summary>The daemon cannot start; the message tells the operator what to fix.</summary>
public sealed class DaemonStartupException : Exception
{
    public DaemonStartupException(string message)
        : base(message)
    {
    }

    public DaemonStartupException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public DaemonStartupException()
    {
    }
}
