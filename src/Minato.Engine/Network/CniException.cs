namespace Minato.Engine.Network;

/// <summary>A CNI operation failed; the message carries the plugin's own error text.</summary>
public sealed class CniException : Exception
{
    public CniException(string message)
        : base(message)
    {
    }

    public CniException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public CniException()
    {
    }

    /// <summary>The plugin was killed at its time limit: trying it again at once would most likely hang as long.</summary>
    public bool TimedOut { get; init; }
}
