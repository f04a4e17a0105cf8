using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Minato.Docker.Http;

/// <summary>One Docker API call: the HTTP exchange, the API version the client asked for and the route's values.</summary>
public sealed class DockerRequest(HttpContext http, ApiVersion version, IReadOnlyDictionary<string, string> values)
{
    /// <summary>Longest query parameter value read (a reference, a filter map).</summary>
    public const int MaxQueryValueLength = 64 * 1024;

    public HttpContext Http { get; } = http;

    /// <summary>The version the client asked for; behaviour that changed between versions follows it.</summary>
    public ApiVersion Version { get; } = version;

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>A value the route captured (<c>{name}</c>), unescaped.</summary>
    public string Route(string name) => values[name];

    /// <summary>A query parameter, or null when absent.</summary>
    /// <exception cref="DockerApiException">400: the value is longer than <see cref="MaxQueryValueLength"/>.</exception>
    public string? Query(string name)
    {
        if (!Http.Request.Query.TryGetValue(name, out var value) || value.Count == 0)
        {
            return null;
        }

        var text = value[^1] ?? "";
        return text.Length <= MaxQueryValueLength
            ? text
            : throw DockerApiException.BadRequest($"query parameter '{name}' is longer than {MaxQueryValueLength} characters");
    }

    /// <summary>A boolean query parameter as dockerd reads it: absent, "", "0", "no", "false" and "none" are false.</summary>
    public bool QueryBool(string name) => Query(name) is { } text && !IsFalse(text);

    /// <summary>The <c>filters</c> query parameter.</summary>
    public Filters Filters() => Minato.Docker.Http.Filters.Parse(Query("filters"));

    /// <summary>Writes <paramref name="value"/> as the JSON body with <paramref name="status"/>.</summary>
    public async Task WriteJsonAsync<T>(T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK)
    {
        Http.Response.StatusCode = status;
        Http.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(Http.Response.Body, value, type, Aborted);
    }

    /// <summary>Answers with <paramref name="status"/> and no body.</summary>
    public Task WriteStatusAsync(int status)
    {
        Http.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>Reads a JSON body of at most the route's limit; an empty body is <paramref name="empty"/>.</summary>
    /// <exception cref="DockerApiException">400: the body is not the expected JSON.</exception>
    public async Task<T> ReadJsonAsync<T>(JsonTypeInfo<T> type, T empty)
    {
        try
        {
            if (Http.Request.ContentLength == 0)
            {
                return empty;
            }

            return await JsonSerializer.DeserializeAsync(Http.Request.Body, type, Aborted) ?? empty;
        }
        catch (JsonException e)
        {
            throw DockerApiException.BadRequest($"invalid JSON body: {e.Message}");
        }
    }

    /// <summary>dockerd's BoolValue: trimmed and case-insensitive, so docker-py's <c>False</c> (Python's str of a bool) is false.</summary>
    private static bool IsFalse(string text) => text.Trim().ToLowerInvariant() is "" or "0" or "no" or "false" or "none";
}
