namespace Minato.Engine.Images;

/// <summary>A string that is not a canonical sha256 or sha512 digest (maps to INVALID_ARGUMENT).</summary>
public sealed class InvalidDigestException : FormatException
{
    public InvalidDigestException(string value, string reason)
        : base($"Invalid digest '{Shorten(value)}': {reason}.")
    {
        Value = value;
    }

    /// <summary>The rejected input.</summary>
    public string Value { get; }

    // The input may be hostile and long; keep messages and logs bounded.
    private static string Shorten(string value) => value.Length <= 160 ? value : value[..160] + "...";
}
