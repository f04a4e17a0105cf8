namespace Minato.Engine.Errors;

/// <summary>A request value is malformed or not allowed; the message says which and why.</summary>
public class InvalidInputException : Exception
{
    public InvalidInputException(string message)
        : base(message)
    {
    }

    public InvalidInputException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public InvalidInputException()
    {
    }
}
