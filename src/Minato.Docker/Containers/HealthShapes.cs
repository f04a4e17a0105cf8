using System.Text.Json.Serialization;

namespace Minato.Docker.Containers;

/// <summary>Docker's <c>Healthcheck</c> of a container config (image or request); durations in nanoseconds, 0 meaning
/// "inherit" (from the image) and then the default.</summary>
public sealed record HealthConfig
{
    /// <summary><c>[]</c> inherit, <c>["NONE"]</c> disabled, <c>["CMD", args...]</c> or <c>["CMD-SHELL", command]</c>.</summary>
    public List<string>? Test { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Interval { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Timeout { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long StartPeriod { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long StartInterval { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Retries { get; init; }
}

/// <summary><c>State.Health</c> of inspect.</summary>
public sealed record HealthState(string Status, int FailingStreak, IReadOnlyList<HealthcheckResult> Log);

/// <summary>One probe's result as inspect shows it.</summary>
public sealed record HealthcheckResult(string Start, string End, int ExitCode, string Output);
