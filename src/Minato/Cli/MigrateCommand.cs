using System.CommandLine;
using Minato.Migrate;

namespace Minato.Cli;

/// <summary>
/// <c>minato migrate</c>: reads a cluster dump or manifests and reports what moving off Docker (dockershim)
/// means for them. Exit codes: 0 nothing blocks the move, 1 something does, 2 some input could not be read
/// (after reporting everything else).
/// </summary>
internal static class MigrateCommand
{
    public const int ExitReady = 0;
    public const int ExitBlocked = 1;
    public const int ExitBadInput = 2;

    private static readonly string[] Formats = ["text", "json", "markdown"];

    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Files or directories of JSON/YAML (kubectl get -o json|yaml, manifests), or - for stdin. " +
                "Without paths, reads stdin when it is not a terminal.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var format = new Option<string>("--output", "-o")
        {
            Description = "Report format: text, json or markdown.",
            DefaultValueFactory = _ => "text",
        };
        var command = new Command(
            "migrate",
            "Report what moving this cluster off Docker (dockershim) takes: nodes still on Docker, workloads " +
            "that use Docker itself, and what to do about each. Feed it: kubectl get nodes,pods,deployments," +
            "daemonsets,statefulsets,jobs,cronjobs,replicasets -A -o json")
        {
            paths,
            format,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var request = new MigrateRequest(
                parseResult.GetValue(paths) ?? [],
                parseResult.GetValue(format) ?? "text",
                UseColor: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected
                    && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")));
            var stdin = new StdinSource(Console.OpenStandardInput, Console.IsInputRedirected);
            return Task.FromResult(Run(request, stdin, output, parseResult.InvocationConfiguration.Error, cancellationToken));
        });
        return command;
    }

    /// <summary>Runs the verb on parsed arguments; separate from parsing so tests can give their own stdin.</summary>
    internal static int Run(MigrateRequest request, StdinSource stdin, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!Formats.Contains(request.Format))
        {
            error.WriteLine($"minato migrate: unknown output format '{request.Format}' (use text, json or markdown)");
            return ExitBadInput;
        }

        var paths = request.Paths.Count > 0 ? request.Paths : stdin.IsRedirected ? [InputSource.StdinName] : [];
        if (paths.Count == 0)
        {
            error.WriteLine("minato migrate: no input: give files, directories or - for stdin (see --help)");
            return ExitBadInput;
        }

        MigrationReport report;
        try
        {
            report = new MigrationAnalyzer().Analyze(InputSource.Expand(paths, stdin.Open), cancellationToken);
        }
        catch (ManifestException ex)
        {
            error.WriteLine($"minato migrate: {ex.Message}");
            return ExitBadInput;
        }

        if (report.Input.Objects == 0 && report.Errors.Count == 0)
        {
            error.WriteLine($"minato migrate: no Kubernetes objects in {string.Join(", ", paths)}");
            return ExitBadInput;
        }

        // One malformed file hides nothing: the findings of everything that could be read come first.
        if (report.Input.Objects > 0)
        {
            Render(report, request, output);
        }

        foreach (var inputError in report.Errors)
        {
            error.WriteLine($"minato migrate: {inputError}");
        }

        return report.Errors.Count > 0 ? ExitBadInput : report.Verdict == Verdict.Blocked ? ExitBlocked : ExitReady;
    }

    private static void Render(MigrationReport report, MigrateRequest request, TextWriter output)
    {
        switch (request.Format)
        {
            case "json":
                JsonReportRenderer.Render(report, output);
                break;
            case "markdown":
                new MarkdownReportRenderer(output).Render(report);
                break;
            default:
                new TextReportRenderer(output, request.UseColor).Render(report);
                break;
        }
    }
}

/// <summary>The verb's arguments after parsing.</summary>
internal sealed record MigrateRequest(IReadOnlyList<string> Paths, string Format, bool UseColor = false);

/// <summary>Standard input: how to open it, and whether it is a pipe or file rather than a terminal.</summary>
internal sealed record StdinSource(Func<Stream> Open, bool IsRedirected);
