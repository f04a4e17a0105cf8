using System.Security.Cryptography;

namespace Minato.Engine.Images;

/// <summary>A content digest (<c>sha256:</c> or <c>sha512:</c> and lowercase hex), validated when it is made.</summary>
/// <remarks>
/// Only the two algorithms the OCI image spec registers are accepted, in their canonical form, so the value can be
/// put into a path or a URL as is: it holds nothing but the algorithm name, one colon and [0-9a-f].
/// </remarks>
public readonly record struct Digest
{
    public const string Sha256 = "sha256";
    public const string Sha512 = "sha512";

    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    /// <summary><see cref="Sha256"/> or <see cref="Sha512"/>.</summary>
    public string Algorithm { get; }

    /// <summary>The encoded hash: 64 (sha256) or 128 (sha512) lowercase hex digits.</summary>
    public string Hex { get; }

    /// <summary>Parses and validates; throws <see cref="InvalidDigestException"/> for anything not canonical.</summary>
    public static Digest Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var digest, out var reason) ? digest : throw new InvalidDigestException(value, reason);
    }

    /// <summary>Parses and validates without throwing.</summary>
    public static bool TryParse(string? value, out Digest digest) => TryParse(value, out digest, out _);

    /// <summary>The digest of <paramref name="data"/> with the given algorithm.</summary>
    public static Digest Compute(ReadOnlySpan<byte> data, string algorithm = Sha256) => algorithm switch
    {
        Sha256 => new Digest(Sha256, Convert.ToHexStringLower(SHA256.HashData(data))),
        Sha512 => new Digest(Sha512, Convert.ToHexStringLower(SHA512.HashData(data))),
        _ => throw new InvalidDigestException(algorithm, "unsupported algorithm"),
    };

    /// <summary>Wraps an already computed hash.</summary>
    public static Digest FromHash(string algorithm, ReadOnlySpan<byte> hash) =>
        Parse($"{algorithm}:{Convert.ToHexStringLower(hash)}");

    /// <summary>The <see cref="HashAlgorithmName"/> for <see cref="Algorithm"/>.</summary>
    public HashAlgorithmName HashAlgorithm => Algorithm == Sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;

    public override string ToString() => Algorithm is null ? "" : $"{Algorithm}:{Hex}";

    private static bool TryParse(string? value, out Digest digest, out string reason)
    {
        digest = default;
        var colon = value?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (value is null || colon < 0)
        {
            reason = "expected <algorithm>:<hex>";
            return false;
        }

        var (algorithm, hex) = (value[..colon], value[(colon + 1)..]);
        var expectedLength = algorithm switch { Sha256 => 64, Sha512 => 128, _ => -1 };
        reason = expectedLength < 0 ? "unsupported algorithm"
            : hex.Length != expectedLength ? $"{algorithm} needs {expectedLength} hex digits"
            : !IsLowerHex(hex) ? "the hash must be lowercase hex"
            : "";
        if (reason.Length > 0)
        {
            return false;
        }

        digest = new Digest(algorithm, hex);
        return true;
    }

    private static bool IsLowerHex(string hex)
    {
        foreach (var c in hex)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
