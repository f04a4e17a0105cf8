namespace Minato.Migrate;

/// <summary>Input that cannot be read as Kubernetes JSON or YAML; carries the file and line to fix.</summary>
public sealed class ManifestException : Exception
{
    public ManifestException(SourceLocation location, string reason, Exception? inner = null)
        : base($"{location}: {reason}", inner)
    {
        Location = location;
        Reason = reason;
    }

    public SourceLocation Location { get; }

    public string Reason { get; }
}
