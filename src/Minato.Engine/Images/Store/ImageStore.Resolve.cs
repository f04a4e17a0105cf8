using Minato.Engine.Errors;

namespace Minato.Engine.Images.Store;

/// <summary>The one place an image reference from a caller is turned into a stored image.</summary>
public sealed partial class ImageStore
{
    /// <summary>Most images an ambiguous-prefix error names.</summary>
    private const int MaxCandidatesNamed = 5;

    /// <summary>
    /// Resolves <paramref name="reference"/> the way PullImage normalises names, so what was pulled under one
    /// spelling is found under every other: the image id (<c>sha256:</c> and 64 hex), a stored name as written,
    /// a name normalised like a pull (<c>busybox</c> is <c>docker.io/library/busybox:latest</c>, no tag means
    /// <c>:latest</c>), <c>name@sha256:...</c> by repo digest, and last an id prefix (hex, with or without
    /// <c>sha256:</c>) as crictl users type it. Names win over prefixes, as in Docker and containerd.
    /// </summary>
    /// <returns>The image, or null when none matches.</returns>
    /// <exception cref="InvalidInputException">The value is empty, malformed, or an id prefix several images share.</exception>
    public ImageRecord? Resolve(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Length == 0)
        {
            throw new InvalidInputException("image is required");
        }

        if (Find(reference) is { } exact)
        {
            return exact;
        }

        var hex = reference.StartsWith("sha256:", StringComparison.Ordinal) ? reference[7..] : reference;
        var isIdPrefix = hex.Length is > 0 and <= 64 && hex.All(char.IsAsciiHexDigitLower);
        if (ImageReference.TryParse(reference) is { } parsed)
        {
            var name = parsed.Digest is { } digest ? $"{parsed.Name}@{digest}" : parsed.ToString();
            if (Find(name) is { } named)
            {
                return named;
            }
        }
        else if (!isIdPrefix)
        {
            // Neither a name nor an id: report what is wrong with it as a name.
            ImageReference.Parse(reference);
        }

        return isIdPrefix ? FindByIdPrefix(reference, hex) : null;
    }

    private ImageRecord? FindByIdPrefix(string reference, string hex)
    {
        lock (sync)
        {
            var matches = byId.Keys.Where(id => id.StartsWith("sha256:" + hex, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).Take(MaxCandidatesNamed + 1).ToList();
            if (matches.Count > 1)
            {
                var named = string.Join(", ", matches.Take(MaxCandidatesNamed)) + (matches.Count > MaxCandidatesNamed ? ", ..." : "");
                throw new InvalidInputException($"image id prefix \"{reference}\" is ambiguous: it matches {named}");
            }

            return matches.Count == 1 ? WithNames(byId[matches[0]]) : null;
        }
    }
}
