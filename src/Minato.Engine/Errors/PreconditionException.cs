namespace Minato.Engine.Errors;

/// <summary>The request is valid but the object is in the wrong state for it (e.g. starting a stopped container).</summary>
public sealed class PreconditionException : Exception
{
    public PreconditionException(string message)
        : base(message)
    {
    }

    public PreconditionException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public PreconditionException()
    {
    }
}
