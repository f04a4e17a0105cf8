using System.Diagnostics;

namespace Minato.IntegrationTests.Streaming;

/// <summary>A real kubectl binary run against a <see cref="FakeApiServer"/>, with a kubeconfig and HOME of its own so
/// the machine's configuration and discovery cache never take part.</summary>
public sealed class Kubectl(string path, Uri server) : IDisposable
{
    /// <summary>Where <c>setup.sh --deps</c> puts the upstream kubectl builds the tests run (<c>kubectl.1.27</c>, ...,
    /// and <c>kubectl</c>): first, so every machine set up by it runs the same kubectl.</summary>
    private const string SetupBin = "/usr/local/lib/minato-tests/kubectl";

    /// <summary>Where Google's Cloud SDK puts kubectl and its per-version builds (<c>kubectl.1.27</c>, ...).</summary>
    private const string CloudSdkBin = "/usr/lib/google-cloud-sdk/bin";

    private readonly string _home = Directory.CreateTempSubdirectory("minato-kubectl-").FullName;

    public string Path => path;

    /// <summary>The binary named <paramref name="name"/> among setup.sh's kubectl builds, else on PATH, else in the
    /// Cloud SDK; null when there is none.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Prepend(SetupBin)
            .Append(CloudSdkBin)
            .Select(dir => System.IO.Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs kubectl to its exit with <paramref name="stdin"/> (if any) as its input.</summary>
    public async Task<KubectlResult> RunAsync(IReadOnlyDictionary<string, string> environment, byte[]? stdin, params string[] args)
    {
        using var process = Start(environment, stdin is not null, args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var stdout = new MemoryStream();
            var reading = process.StandardOutput.BaseStream.CopyToAsync(stdout, timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            var writing = stdin is null ? Task.CompletedTask : WriteInputAsync(process, stdin, timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            await reading;
            await writing;
            return new KubectlResult(process.ExitCode, stdout.ToArray(), await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{path} {string.Join(' ', args)} still runs after 60 s");
        }
    }

    /// <summary>Writes and closes kubectl's stdin; a kubectl that exits early shows as its result, not a broken pipe.</summary>
    private static async Task WriteInputAsync(Process process, byte[] stdin, CancellationToken cancellationToken)
    {
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin, cancellationToken);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // kubectl stopped reading: its exit code and stderr tell why.
        }
    }

    /// <summary>Runs kubectl to its exit on a terminal of <paramref name="rows"/> x <paramref name="columns"/> that
    /// util-linux <c>script</c> provides (kubectl's -t needs one); returns what the terminal showed.</summary>
    public async Task<KubectlResult> RunOnTerminalAsync(IReadOnlyDictionary<string, string> environment, int rows, int columns, params string[] args)
    {
        var config = WriteConfig();
        var command = string.Join(' ', new[] { path, "--kubeconfig=" + config }.Concat(args).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var start = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-qec", $"stty rows {rows} cols {columns}; exec {command}", "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = _home;
        start.Environment["KUBECONFIG"] = config;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("script did not start");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var stdout = new MemoryStream();
            var reading = process.StandardOutput.BaseStream.CopyToAsync(stdout, timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);

            // The input stays open: its end would reach the remote terminal as the end of the session.
            await process.WaitForExitAsync(timeout.Token);
            await reading;
            return new KubectlResult(process.ExitCode, stdout.ToArray(), await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{path} {string.Join(' ', args)} on a terminal still runs after 60 s");
        }
    }

    /// <summary>Starts kubectl with pipes for its output (and input when <paramref name="stdin"/>).</summary>
    public Process Start(IReadOnlyDictionary<string, string> environment, bool stdin, params string[] args)
    {
        var config = WriteConfig();
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardInput = stdin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig=" + config);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = _home;
        start.Environment["KUBECONFIG"] = config;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{path} did not start");
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private string WriteConfig()
    {
        var config = System.IO.Path.Combine(_home, "config");

        // Written each time: cheap, and the file never depends on which call came first.
        File.WriteAllText(config, $$$"""
            apiVersion: v1
            kind: Config
            clusters: [{name: fake, cluster: {server: "{{{server}}}"}}]
            users: [{name: fake, user: {}}]
            contexts: [{name: fake, context: {cluster: fake, user: fake, namespace: default}}]
            current-context: fake
            """);
        return config;
    }
}

/// <summary>How a kubectl run ended: exit code, stdout bytes, stderr text.</summary>
public sealed record KubectlResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => System.Text.Encoding.UTF8.GetString(Stdout);

    public override string ToString() => $"exit {ExitCode}, stdout: {StdoutText[..Math.Min(StdoutText.Length, 500)]}, stderr: {Stderr}";
}
