using System.Text.Json;

namespace Minato.Docker.Http;

/// <summary>
/// Docker's <c>filters</c> query parameter: a JSON map of a filter name to its values, either
/// <c>{"name": ["a", "b"]}</c> or, as old clients send it, <c>{"name": {"a": true, "b": true}}</c>.
/// </summary>
public sealed class Filters
{
    /// <summary>Most filter names, and most values of one name, accepted.</summary>
    public const int MaxEntries = 64;

    private static readonly Filters None = new(new Dictionary<string, List<string>>(StringComparer.Ordinal));
    private readonly Dictionary<string, List<string>> values;

    private Filters(Dictionary<string, List<string>> values) => this.values = values;

    /// <summary>The filter names given.</summary>
    public IEnumerable<string> Names => values.Keys;

    /// <summary>Parses the parameter; null or empty is no filter.</summary>
    /// <exception cref="DockerApiException">400: not one of the two JSON forms, or too many entries.</exception>
    public static Filters Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return None;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException e)
        {
            throw Invalid($"is not JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("must be a JSON object of filter names");
            }

            var parsed = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var filter in document.RootElement.EnumerateObject())
            {
                if (parsed.Count == MaxEntries)
                {
                    throw Invalid($"has more than {MaxEntries} filters");
                }

                var list = parsed.TryGetValue(filter.Name, out var existing) ? existing : parsed[filter.Name] = [];
                list.AddRange(ValuesOf(filter));
                if (list.Count > MaxEntries)
                {
                    throw Invalid($"has more than {MaxEntries} values for '{filter.Name}'");
                }
            }

            return new Filters(parsed);
        }
    }

    /// <summary>The values given for <paramref name="name"/> (empty when none).</summary>
    public IReadOnlyList<string> Get(string name) => values.TryGetValue(name, out var list) ? list : [];

    /// <summary>Refuses any filter name not in <paramref name="accepted"/>, as dockerd does (<c>invalid filter 'x'</c>).</summary>
    /// <exception cref="DockerApiException">400 naming the first unknown filter.</exception>
    public void Validate(params string[] accepted)
    {
        foreach (var name in values.Keys)
        {
            if (!accepted.Contains(name, StringComparer.Ordinal))
            {
                throw DockerApiException.BadRequest($"invalid filter '{name}'");
            }
        }
    }

    /// <summary>
    /// The boolean value of <paramref name="name"/>: null when not given; "true"/"1" or "false"/"0" otherwise.
    /// </summary>
    /// <exception cref="DockerApiException">400 for any other value.</exception>
    public bool? Bool(string name)
    {
        var given = Get(name);
        if (given.Count == 0)
        {
            return null;
        }

        return given[^1].ToLowerInvariant() switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            var other => throw DockerApiException.BadRequest($"invalid filter '{name}={other}'"),
        };
    }

    private static List<string> ValuesOf(JsonProperty filter) => filter.Value.ValueKind switch
    {
        JsonValueKind.Array => filter.Value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw Invalid($"'{filter.Name}' must list strings")).ToList(),

        // Before API 1.22 clients sent {"name": {"value": true}}; a value mapped to false is not given.
        JsonValueKind.Object => filter.Value.EnumerateObject().Where(v => v.Value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid($"'{filter.Name}' must map values to true or false"),
        }).Select(v => v.Name).ToList(),
        _ => throw Invalid($"'{filter.Name}' must be a list of strings or a map of string to boolean"),
    };

    private static DockerApiException Invalid(string why) => DockerApiException.BadRequest($"invalid filters: the value {why}");
}
