namespace Minato.Build.Dockerfile;

/// <summary>HEALTHCHECK: <c>NONE</c>, or <c>[--interval=D --timeout=D --start-period=D --start-interval=D --retries=N] CMD command</c>.</summary>
internal static partial class InstructionParser
{
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(1);

    private static HealthcheckInstruction Healthcheck(Request request)
    {
        var args = request.Args;
        var typeEnd = args.AsSpan().IndexOfAny(" \t\v\f\r");
        var type = (typeEnd < 0 ? args : args[..typeEnd]).ToUpperInvariant();
        var command = typeEnd < 0 ? "" : args[typeEnd..].TrimStart();
        if (type.Length == 0)
        {
            throw request.Error("HEALTHCHECK requires at least one argument");
        }

        if (type == "NONE")
        {
            // Docker ignores the flags on NONE; the command is what it refuses.
            return command.Length == 0
                ? new HealthcheckInstruction(request.Line, request.Text, null, null, null, null, null, null)
                : throw request.Error("HEALTHCHECK NONE takes no arguments");
        }

        if (type != "CMD")
        {
            throw request.Error($"Unknown type \"{type}\" in HEALTHCHECK (try CMD)");
        }

        if (command.Length == 0)
        {
            throw request.Error("HEALTHCHECK CMD requires a command");
        }

        var flags = request.Flags;
        var test = DockerfileWords.JsonArray(command, request.Line) is { } exec
            ? new CommandForm(true, exec, "")
            : new CommandForm(false, None, command);
        return new HealthcheckInstruction(
            request.Line,
            request.Text,
            test,
            Interval(request, "interval", flags.String("interval")),
            Interval(request, "timeout", flags.String("timeout")),
            Interval(request, "start-period", flags.String("start-period")),
            Interval(request, "start-interval", flags.String("start-interval")),
            flags.String("retries") is { } retries ? ParseRetries(request, retries) : null);
    }

    private static TimeSpan? Interval(Request request, string flag, string? value)
    {
        if (value is null || value.Length == 0)
        {
            return null;
        }

        if (!GoDuration.TryParse(value, out var duration))
        {
            throw request.Error($"HEALTHCHECK --{flag}={value} is not a duration (such as 30s, 1m30s or 500ms)");
        }

        if (duration == TimeSpan.Zero)
        {
            return null;
        }

        return duration >= MinimumInterval
            ? duration
            : throw request.Error($"Interval \"{flag}\" cannot be less than 1ms");
    }
}
