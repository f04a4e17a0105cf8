namespace Minato.Engine.Errors;

/// <summary>The named pod, container or image does not exist.</summary>
public sealed class NotFoundException : Exception
{
    public NotFoundException(string message)
        : base(message)
    {
    }

    public NotFoundException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public NotFoundException()
    {
    }
}
