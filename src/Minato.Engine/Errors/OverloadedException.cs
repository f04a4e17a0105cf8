namespace Minato.Engine.Errors;

/// <summary>The caller fell behind or asked for more than a bounded resource holds (e.g. an event subscriber that stopped reading).</summary>
public sealed class OverloadedException : Exception
{
    public OverloadedException(string message)
        : base(message)
    {
    }

    public OverloadedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public OverloadedException()
    {
    }
}
