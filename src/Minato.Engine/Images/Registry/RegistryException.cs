namespace Minato.Engine.Images.Registry;

/// <summary>Why a registry request failed.</summary>
public enum RegistryFailure
{
    /// <summary>The registry refused our credentials, or demanded some where none may be sent.</summary>
    Unauthorized,

    /// <summary>The manifest, blob or repository does not exist.</summary>
    NotFound,

    /// <summary>The registries configuration blocks the reference.</summary>
    Blocked,

    /// <summary>The registry could not be reached or answered with a server error.</summary>
    Unavailable,

    /// <summary>The registry answered something the protocol does not allow.</summary>
    Protocol,
}

/// <summary>A registry request failed; <see cref="Failure"/> says how.</summary>
public sealed class RegistryException : IOException
{
    public RegistryException(RegistryFailure failure, string message, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
    }

    public RegistryFailure Failure { get; }
}
