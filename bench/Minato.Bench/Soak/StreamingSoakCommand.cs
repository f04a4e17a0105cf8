using System.CommandLine;
using Minato.Bench.Cri.Hosting;

namespace Minato.Bench.Soak;

/// <summary><c>minato-bench streaming-soak</c>: many exec / attach / port-forward cycles against a Minato daemon, to show
/// that its descriptors, threads, processes and memory stay flat.</summary>
internal static class StreamingSoakCommand
{
    public static Command Create()
    {
        var defaults = new SoakOptions { OutputDirectory = string.Empty, MinatoExecutable = string.Empty };
        var cycles = new Option<int?>("--cycles") { Description = $"Measured cycles of each kind (default {defaults.Cycles:N0}, quick 50)" };
        var concurrency = new Option<int>("--concurrency") { Description = "Cycles in flight at once", DefaultValueFactory = _ => defaults.Concurrency };
        var quick = new Option<bool>("--quick") { Description = "Smoke run: 50 cycles of each kind after 10 of warm-up" };
        var output = new Option<string?>("--out") { Description = "Results directory (streaming-soak.md, streaming-soak.json); a new temp dir by default" };
        var minato = new Option<string>("--minato") { Description = "The minato executable to start", DefaultValueFactory = _ => MinatoHost.DefaultExecutable };
        var keep = new Option<bool>("--keep") { Description = "Keep the temp dir with the daemon's config and log (printed at the end)" };
        var command = new Command("streaming-soak", "Exec, attach and port-forward cycles against a Minato daemon; exits 1 when it does not stay flat")
        {
            cycles, concurrency, quick, output, minato, keep,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = Path.GetFullPath(parse.GetValue(output) ?? Directory.CreateTempSubdirectory("minato-streaming-soak-").FullName);
            var executable = parse.GetValue(minato)!;
            var options = parse.GetValue(quick)
                ? SoakOptions.ForQuick(directory, executable)
                : new SoakOptions { OutputDirectory = directory, MinatoExecutable = executable };
            options = options with
            {
                Cycles = parse.GetValue(cycles) ?? options.Cycles,
                Concurrency = parse.GetValue(concurrency),
                KeepWorkDirectory = parse.GetValue(keep),
            };
            if (options.Cycles < 1 || options.Concurrency < 1)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("--cycles and --concurrency take a positive number");
                return 2;
            }

            try
            {
                return await StreamingSoak.RunAsync(options, parse.InvocationConfiguration.Error, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Everything it started is cleaned up by then; a partial soak says nothing about leaks, so no report.
                var interrupted = cancellationToken.IsCancellationRequested;
                await parse.InvocationConfiguration.Error.WriteLineAsync(interrupted
                    ? "streaming-soak: interrupted"
                    : $"streaming-soak: stopped after its {options.Timeout.TotalMinutes:F0}-minute limit");
                return interrupted ? 130 : 1;
            }
        });
        return command;
    }
}
