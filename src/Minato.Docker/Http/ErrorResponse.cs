namespace Minato.Docker.Http;

/// <summary>dockerd's error body: <c>{"message": "..."}</c>.</summary>
public sealed record ErrorResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message);
