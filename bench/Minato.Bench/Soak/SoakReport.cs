using System.Globalization;
using System.Text;
using System.Text.Json;
using Minato.Bench.Cri.Measure;

namespace Minato.Bench.Soak;

/// <summary>Writes a soak's <c>streaming-soak.md</c> and <c>streaming-soak.json</c>.</summary>
internal static class SoakReport
{
    public const string MarkdownFile = "streaming-soak.md";
    public const string JsonFile = "streaming-soak.json";

    public static void Write(SoakResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, MarkdownFile), RenderMarkdown(result));
        using var stream = File.Create(Path.Combine(directory, JsonFile));
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        WriteJson(json, result);
    }

    public static string RenderMarkdown(SoakResult r)
    {
        var o = r.Options;
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Streaming soak: exec, attach, port-forward{(o.Quick ? " (quick)" : string.Empty)}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{r.Started:yyyy-MM-dd HH:mm} UTC, {Span(r.Duration)} in all; {r.RuntimeVersion} on {r.Host} " +
            $"(kernel {r.Kernel}, {r.Cores} cores). {o.Cycles:N0} cycles of each kind after {o.WarmUp:N0} of warm-up, {o.Concurrency} at a time, " +
            $"in {Span(r.SoakTime)}: exec `echo x` (stdout and v5 status checked), attach opened and closed by the client, " +
            $"port-forward of an HTTP GET to busybox httpd in the pod (200 and the body checked); the CLI's WebSocket clients.");
        md.AppendLine();
        md.AppendLine(r.Problems.Count == 0
            ? "**Verdict: flat.** Descriptors, threads, processes and RSS stayed within the limits."
            : "**Verdict: growth or failures:**");
        foreach (var problem in r.Problems)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {problem}");
        }

        md.AppendLine();
        md.AppendLine("## Daemon before and after");
        md.AppendLine();
        md.AppendLine("| | open fds | threads | RSS (MiB) | children | conmon | runc | processes of the run |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        AppendSample(md, $"before (after {o.WarmUp:N0} warm-up cycles of each kind)", r.Before);
        AppendSample(md, $"after (settled {r.SettleTime.TotalSeconds:F0} s)", r.After);
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| change | {Delta(r.Before.Descriptors, r.After.Descriptors)} | {Delta(r.Before.Threads, r.After.Threads)} | " +
            $"{(r.After.RssBytes - r.Before.RssBytes) / (double)Math.Max(1, r.Before.RssBytes):+0.0%;-0.0%} | {Delta(r.Before.Children, r.After.Children)} | " +
            $"{Delta(r.Before.Conmon, r.After.Conmon)} | {Delta(r.Before.Runc, r.After.Runc)} | {Delta(r.Before.Processes, r.After.Processes)} |");
        var l = o.Limits;
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| limit | +{l.Descriptors} | +{l.Threads} | +{l.RssGrowth:0%} | +{l.Processes} | +{l.Processes} | +{l.Processes} | +{l.Processes} |");
        md.AppendLine();
        md.AppendLine("Processes of the run: the daemon's descendants and conmon's (the two containers and their monitors), wherever reparented.");
        md.AppendLine();
        md.AppendLine("## Cycle latency (ms)");
        md.AppendLine();
        md.AppendLine("| kind | ok | failed | p50 | p90 | p99 | max |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (kind, result) in r.Kinds)
        {
            var s = result.Milliseconds.Count > 0 ? Summary.Of(result.Milliseconds) : null;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {kind} | {result.Milliseconds.Count:N0} | {result.Failed:N0} | {s?.P50:F1} | {s?.P90:F1} | {s?.P99:F1} | {s?.Max:F1} |");
        }

        md.AppendLine();
        md.AppendLine("## Samples");
        md.AppendLine();
        md.AppendLine("| elapsed | cycles done | open fds | threads | RSS (MiB) | children | conmon | runc | processes of the run |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var sample in r.Samples)
        {
            AppendSample(md, $"{sample.Elapsed:mm\\:ss} {sample.Label}", sample, withCycles: true);
        }

        return md.ToString();
    }

    private static void AppendSample(StringBuilder md, string label, DaemonSample s, bool withCycles = false) =>
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {label} |{(withCycles ? $" {s.Cycles:N0} |" : string.Empty)} {s.Descriptors} | {s.Threads} | {s.RssMiB:F1} | {s.Children} | {s.Conmon} | {s.Runc} | {s.Processes} |");

    private static string Span(TimeSpan t) => t.TotalMinutes >= 2
        ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMinutes:F1} min")
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:F1} s");

    private static string Delta(int before, int after) => (after - before).ToString("+0;-0;0", CultureInfo.InvariantCulture);

    private static void WriteJson(Utf8JsonWriter json, SoakResult r)
    {
        json.WriteStartObject();
        json.WriteString("started", r.Started);
        json.WriteNumber("durationSeconds", Math.Round(r.Duration.TotalSeconds, 1));
        json.WriteNumber("soakSeconds", Math.Round(r.SoakTime.TotalSeconds, 1));
        json.WriteNumber("settleSeconds", Math.Round(r.SettleTime.TotalSeconds, 1));
        json.WriteString("host", r.Host);
        json.WriteString("kernel", r.Kernel);
        json.WriteNumber("cores", r.Cores);
        json.WriteString("runtime", r.RuntimeVersion);
        json.WriteBoolean("quick", r.Options.Quick);
        json.WriteNumber("cycles", r.Options.Cycles);
        json.WriteNumber("warmUp", r.Options.WarmUp);
        json.WriteNumber("concurrency", r.Options.Concurrency);
        json.WriteStartObject("limits");
        json.WriteNumber("descriptors", r.Options.Limits.Descriptors);
        json.WriteNumber("threads", r.Options.Limits.Threads);
        json.WriteNumber("processes", r.Options.Limits.Processes);
        json.WriteNumber("rssGrowth", r.Options.Limits.RssGrowth);
        json.WriteEndObject();
        json.WriteBoolean("flat", r.Problems.Count == 0);
        json.WriteStartArray("problems");
        foreach (var problem in r.Problems)
        {
            json.WriteStringValue(problem);
        }

        json.WriteEndArray();
        json.WritePropertyName("before");
        WriteSample(json, r.Before);
        json.WritePropertyName("after");
        WriteSample(json, r.After);
        json.WriteStartObject("kinds");
        foreach (var (kind, result) in r.Kinds)
        {
            json.WriteStartObject(kind);
            json.WriteNumber("ok", result.Milliseconds.Count);
            json.WriteNumber("failed", result.Failed);
            if (result.Milliseconds.Count > 0)
            {
                var s = Summary.Of(result.Milliseconds);
                json.WriteNumber("p50", Math.Round(s.P50, 3));
                json.WriteNumber("p90", Math.Round(s.P90, 3));
                json.WriteNumber("p99", Math.Round(s.P99, 3));
                json.WriteNumber("max", Math.Round(s.Max, 3));
            }

            json.WriteStartArray("errors");
            foreach (var error in result.Errors)
            {
                json.WriteStringValue(error);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteStartArray("samples");
        foreach (var sample in r.Samples)
        {
            WriteSample(json, sample);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteSample(Utf8JsonWriter json, DaemonSample s)
    {
        json.WriteStartObject();
        json.WriteString("label", s.Label);
        json.WriteNumber("elapsedSeconds", Math.Round(s.Elapsed.TotalSeconds, 1));
        json.WriteNumber("cycles", s.Cycles);
        json.WriteNumber("descriptors", s.Descriptors);
        json.WriteNumber("threads", s.Threads);
        json.WriteNumber("rssBytes", s.RssBytes);
        json.WriteNumber("children", s.Children);
        json.WriteNumber("conmon", s.Conmon);
        json.WriteNumber("runc", s.Runc);
        json.WriteNumber("processes", s.Processes);
        json.WriteEndObject();
    }
}
