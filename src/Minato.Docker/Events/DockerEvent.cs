using System.Text.Json.Serialization;

namespace Minato.Docker.Events;

/// <summary>
/// One event of <c>GET /events</c>, in dockerd's field order: the legacy <c>status</c>/<c>id</c>/<c>from</c> (containers
/// and images only), then <c>Type</c>, <c>Action</c>, <c>Actor</c>, <c>scope</c>, <c>time</c> and <c>timeNano</c>.
/// </summary>
public sealed record DockerEvent
{
    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; init; }

    [JsonPropertyName("id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; init; }

    [JsonPropertyName("from")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? From { get; init; }

    /// <summary><c>container</c>, <c>image</c>, <c>volume</c>, <c>network</c>, ...</summary>
    public required string Type { get; init; }

    /// <summary><c>create</c>, <c>start</c>, <c>die</c>, <c>pull</c>, <c>tag</c>, ...</summary>
    public required string Action { get; init; }

    public required EventActor Actor { get; init; }

    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "local";

    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("time")]
    public long Time { get; init; }

    /// <summary>Unix nanoseconds.</summary>
    [JsonPropertyName("timeNano")]
    public long TimeNano { get; init; }
}

/// <summary>What an event is about: its id (container id, image reference, volume name) and attributes.</summary>
public sealed record EventActor(string ID, IReadOnlyDictionary<string, string> Attributes);
