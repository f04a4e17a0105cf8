using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Minato.Docker.Http;

/// <summary>
/// One route: a method and a path template such as <c>/images/{name*}/json</c>. <c>{x}</c> captures one segment,
/// <c>{x*}</c> one or more (image names contain '/'), as dockerd's <c>{name:.*}</c>.
/// </summary>
public sealed partial class DockerRoute
{
    private readonly Regex pattern;
    private readonly string[] names;

    public DockerRoute(string method, string template, Func<DockerRequest, Task> handler, long maxBodyBytes)
    {
        Method = method;
        Template = template;
        Handler = handler;
        MaxBodyBytes = maxBodyBytes;
        var captures = new List<string>();
        var regex = new global::System.Text.StringBuilder();
        var at = 0;
        foreach (Match m in Placeholder().Matches(template))
        {
            regex.Append(Regex.Escape(template[at..m.Index])).Append(m.Groups[2].Success ? "(.+)" : "([^/]+)");
            captures.Add(m.Groups[1].Value);
            at = m.Index + m.Length;
        }

        regex.Append(Regex.Escape(template[at..]));
        names = [.. captures];
        pattern = new Regex("^" + regex + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    public string Method { get; }

    public string Template { get; }

    public Func<DockerRequest, Task> Handler { get; }

    /// <summary>Largest request body this route reads.</summary>
    public long MaxBodyBytes { get; }

    /// <summary>The captured values when <paramref name="path"/> matches, else null.</summary>
    public Dictionary<string, string>? Match(string path)
    {
        var match = pattern.Match(path);
        if (!match.Success)
        {
            return null;
        }

        var values = new Dictionary<string, string>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            // Kestrel has decoded the path already except for %2F, which names may carry escaped.
            values[names[i]] = match.Groups[i + 1].Value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }

        return values;
    }

    public bool Accepts(string method) => HttpMethods.Equals(method, Method);

    [GeneratedRegex(@"\{(\w+)(\*)?}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
