using Minato.Docker.Http;

namespace Minato.Docker.Containers;

/// <summary>dockerd's health-check rules: how the request's check merges with the image's, its checks at create, its
/// defaults.</summary>
public static class HealthPolicy
{
    /// <summary>dockerd's defaults: every 30 s, 30 s each, no start period, every 5 s within it, 3 failures.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultStartInterval = TimeSpan.FromSeconds(5);

    public const int DefaultRetries = 3;

    /// <summary>The request's check over the image's: a field the request leaves unset (empty test, zero) is the
    /// image's, as dockerd merges them at create.</summary>
    public static HealthConfig? Merge(HealthConfig? requested, HealthConfig? image)
    {
        if (requested is null)
        {
            return image;
        }

        if (image is null)
        {
            return requested;
        }

        return new HealthConfig
        {
            Test = requested.Test is { Count: > 0 } ? requested.Test : image.Test,
            Interval = requested.Interval != 0 ? requested.Interval : image.Interval,
            Timeout = requested.Timeout != 0 ? requested.Timeout : image.Timeout,
            StartPeriod = requested.StartPeriod != 0 ? requested.StartPeriod : image.StartPeriod,
            StartInterval = requested.StartInterval != 0 ? requested.StartInterval : image.StartInterval,
            Retries = requested.Retries != 0 ? requested.Retries : image.Retries,
        };
    }

    /// <summary>The image's <c>HEALTHCHECK</c> (its config's <c>Healthcheck</c>); null when it has none or it is malformed.</summary>
    public static HealthConfig? FromImage(Images.ImageDetail image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.ContainerConfig is not { } config || !config.TryGetProperty("Healthcheck", out var health) || health.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return null;
        }

        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(health, DockerJson.Default.HealthConfig);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>dockerd's checks of a create request's health check.</summary>
    /// <exception cref="DockerApiException">400 naming the field.</exception>
    public static void Check(HealthConfig? health)
    {
        if (health is null)
        {
            return;
        }

        foreach (var (name, value) in new[] { ("Interval", health.Interval), ("Timeout", health.Timeout), ("StartPeriod", health.StartPeriod), ("StartInterval", health.StartInterval) })
        {
            if (value != 0 && value < 1_000_000)
            {
                throw DockerApiException.BadRequest($"{name} in Healthcheck cannot be less than 1ms");
            }
        }

        if (health.Retries < 0)
        {
            throw DockerApiException.BadRequest("Retries in Healthcheck cannot be negative");
        }

        if (health.Test is { Count: > 0 } test && test[0] is not ("NONE" or "CMD" or "CMD-SHELL"))
        {
            throw DockerApiException.BadRequest($"Healthcheck.Test: unknown type \"{test[0]}\" (NONE, CMD or CMD-SHELL)");
        }

        if (health.Test is ["CMD-SHELL", ..] && health.Test.Count != 2 || health.Test is ["CMD"])
        {
            throw DockerApiException.BadRequest("Healthcheck.Test: CMD needs a command and CMD-SHELL exactly one command line");
        }
    }

    /// <summary>The probe's command; null when the container has no check (none, or <c>NONE</c>).</summary>
    public static IReadOnlyList<string>? Command(HealthConfig? health) => health?.Test switch
    {
        ["CMD", _, ..] test => test[1..],
        ["CMD-SHELL", var line] => ["/bin/sh", "-c", line],
        _ => null,
    };

    public static TimeSpan Interval(HealthConfig health) => Or(health.Interval, DefaultInterval);

    public static TimeSpan Timeout(HealthConfig health) => Or(health.Timeout, DefaultTimeout);

    public static TimeSpan StartPeriod(HealthConfig health) => Or(health.StartPeriod, TimeSpan.Zero);

    public static TimeSpan StartInterval(HealthConfig health) => Or(health.StartInterval, DefaultStartInterval);

    public static int Retries(HealthConfig health) => health.Retries > 0 ? health.Retries : DefaultRetries;

    private static TimeSpan Or(long nanoseconds, TimeSpan fallback) =>
        nanoseconds > 0 ? TimeSpan.FromTicks(nanoseconds / 100) : fallback;
}
