namespace Minato.Testing;

/// <summary>How a <see cref="RegistryFixture"/> protects its registry.</summary>
public enum RegistryAuth
{
    /// <summary>Anyone may pull and push.</summary>
    None,

    /// <summary>htpasswd: a <c>Basic</c> challenge, one user.</summary>
    Basic,

    /// <summary>A <c>Bearer</c> challenge whose realm is the fixture's own <see cref="TokenServer"/>.</summary>
    Token,
}

/// <summary>Options of a <see cref="RegistryFixture"/>; the defaults suit most tests.</summary>
public sealed record RegistryOptions
{
    /// <summary>The one user of the Basic and Token modes.</summary>
    public RegistryCredentials Credentials { get; init; } = new("minato", "s3cret-minato");

    /// <summary>Token mode only: clients without credentials get pull-only tokens (as Docker Hub gives for public images).</summary>
    public bool AnonymousPull { get; init; }

    /// <summary>Token mode only: how long issued tokens live (<c>expires_in</c>).</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the registry may take to answer <c>GET /v2/</c> after start.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound on one skopeo push.</summary>
    public TimeSpan PushTimeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>An image a <see cref="RegistryFixture"/> holds: where to pull it from and the manifest digest it has there.</summary>
public sealed record PushedImage(string Registry, string Repository, string Tag, string Digest, string MediaType)
{
    /// <summary><c>127.0.0.1:PORT/name:tag</c>.</summary>
    public string Reference => $"{Registry}/{Repository}:{Tag}";

    /// <summary><c>127.0.0.1:PORT/name@sha256:…</c>.</summary>
    public string DigestReference => $"{Registry}/{Repository}@{Digest}";
}
