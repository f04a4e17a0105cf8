namespace Minato.Engine.Oci;

/// <summary>The OCI runtime (or conmon on its behalf) refused an operation; the message is the runtime's own.</summary>
public sealed class OciRuntimeException : Exception
{
    public OciRuntimeException(string message)
        : base(message)
    {
    }

    public OciRuntimeException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public OciRuntimeException()
    {
    }
}
