using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Minato.Streaming;

/// <summary>The outcome of an exec or attach as the kubelet's clients read it from the error stream or channel.</summary>
/// <remarks>
/// v4 and later carry a JSON <c>metav1.Status</c>: <c>Success</c>, or <c>Failure</c> with reason
/// <c>NonZeroExitCode</c> and the code as a cause of type <c>ExitCode</c> (client-go turns it into the exit code).
/// Older protocols carry only the failure's message as text and nothing on success.
/// </remarks>
internal sealed record RemoteCommandStatus(string Status, string? Message = null, string? Reason = null, StatusDetails? Details = null, int? Code = null)
{
    public StatusMetadata Metadata { get; init; } = new();

    public static RemoteCommandStatus Success { get; } = new("Success");

    public bool IsSuccess => Status == "Success";

    public static RemoteCommandStatus ForExitCode(int exitCode) => exitCode == 0
        ? Success
        : new("Failure", $"command terminated with non-zero exit code: exit status {exitCode}", "NonZeroExitCode",
            new StatusDetails([new StatusCause("ExitCode", exitCode.ToString(CultureInfo.InvariantCulture))]));

    public static RemoteCommandStatus Internal(string message) =>
        new("Failure", "Internal error occurred: " + message, "InternalError", new StatusDetails([new StatusCause(null, message)]), 500);

    /// <summary>The bytes to send: JSON for v4 and later; text for older protocols, nothing for their success.</summary>
    public byte[] Encode(bool json) => json
        ? JsonSerializer.SerializeToUtf8Bytes(this, StatusJson.Default.RemoteCommandStatus)
        : IsSuccess ? [] : Encoding.UTF8.GetBytes(Message ?? Status);
}

/// <summary>Status.metadata, always empty here but present as the API server writes it.</summary>
internal sealed record StatusMetadata;

/// <summary>Status.details: the causes.</summary>
internal sealed record StatusDetails(IReadOnlyList<StatusCause> Causes);

/// <summary>One cause; its type is serialised as <c>reason</c>, as metav1.StatusCause does.</summary>
internal sealed record StatusCause([property: JsonPropertyName("reason")] string? Type, string Message);

/// <summary>A terminal size message on a resize stream or channel.</summary>
internal sealed record ResizeMessage(
    [property: JsonPropertyName("Width")] ushort Width,
    [property: JsonPropertyName("Height")] ushort Height);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RemoteCommandStatus))]
[JsonSerializable(typeof(ResizeMessage))]
internal sealed partial class StatusJson : JsonSerializerContext;
