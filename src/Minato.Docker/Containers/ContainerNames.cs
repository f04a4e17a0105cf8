using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Minato.Docker.Http;

namespace Minato.Docker.Containers;

/// <summary>Container names as dockerd has them: checked against its pattern, kept with a leading <c>/</c>, and made
/// up as <c>adjective_surname</c> when a request gives none.</summary>
public static partial class ContainerNames
{
    /// <summary>Longest name accepted (dockerd has no bound; the store and the monitor's logs want one).</summary>
    public const int MaxLength = 253;

    private static readonly string[] Adjectives =
    [
        "agile", "amber", "ample", "bold", "brave", "bright", "brisk", "calm", "candid", "careful", "cheerful", "clever",
        "cosmic", "crisp", "curious", "daring", "deft", "eager", "earnest", "fearless", "fervent", "gallant", "gentle",
        "glowing", "graceful", "hardy", "humble", "jolly", "keen", "kind", "lively", "loyal", "lucid", "merry", "mellow",
        "nimble", "noble", "patient", "placid", "plucky", "polite", "proud", "quiet", "quirky", "radiant", "rapid",
        "serene", "sharp", "sincere", "snappy", "steady", "stoic", "sunny", "swift", "tender", "tidy", "upbeat", "vivid",
        "warm", "wise", "witty", "zealous",
    ];

    private static readonly string[] Surnames =
    [
        "agnesi", "archimedes", "babbage", "bardeen", "bohr", "boole", "brahe", "cantor", "carson", "cauchy", "curie",
        "darwin", "dijkstra", "euclid", "euler", "faraday", "fermat", "fermi", "feynman", "franklin", "galileo", "gauss",
        "germain", "goodall", "hamilton", "hawking", "heisenberg", "hilbert", "hodgkin", "hopper", "hubble", "hypatia",
        "johnson", "kepler", "knuth", "kowalevski", "lamarr", "laplace", "leibniz", "lovelace", "maxwell", "meitner",
        "mendel", "newton", "noether", "pascal", "pasteur", "planck", "ramanujan", "riemann", "ritchie", "shannon",
        "somerville", "tesla", "thompson", "torvalds", "turing", "volta", "wiles", "wright", "yalow", "zuse",
    ];

    /// <summary>The stored form (<c>/name</c>) of a requested name.</summary>
    /// <exception cref="DockerApiException">400 when it does not match dockerd's pattern.</exception>
    public static string Checked(string requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        if (requested.Length > MaxLength + 1 || !Valid().IsMatch(requested))
        {
            var shown = requested.Length > 100 ? requested[..100] + "..." : requested;
            throw DockerApiException.BadRequest($"Invalid container name ({shown}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }

        return requested.StartsWith('/') ? requested : "/" + requested;
    }

    /// <summary>A made-up name (with its <c>/</c>) that <paramref name="taken"/> says is free; after a few collisions a
    /// digit is appended, as dockerd does.</summary>
    public static string Generate(Func<string, bool> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        for (var attempt = 0; ; attempt++)
        {
            var name = $"{Adjectives[RandomNumberGenerator.GetInt32(Adjectives.Length)]}_{Surnames[RandomNumberGenerator.GetInt32(Surnames.Length)]}";
            if (attempt >= 3)
            {
                name += RandomNumberGenerator.GetInt32(10).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (!taken("/" + name))
            {
                return "/" + name;
            }
        }
    }

    [GeneratedRegex(@"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex Valid();
}
