using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Minato.Engine.Oci;

/// <summary>A container's state as <c>runc state</c> / <c>crun state</c> reports it.</summary>
public sealed record OciState(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("bundle")] string? Bundle);

/// <summary>Source-generated JSON for what the OCI runtime prints.</summary>
[JsonSerializable(typeof(OciState))]
internal sealed partial class OciStateJsonContext : JsonSerializerContext;

/// <summary>Drives an OCI runtime through its runc-compatible command line (start, kill, delete, state, update, exec).</summary>
/// <remarks>
/// Creation goes through conmon (see <see cref="Monitor.Conmon"/>), which must own the container's stdio; the
/// other operations are short commands the daemon runs itself, each bounded in time.
/// </remarks>
public sealed class OciRuntimeCli(OciRuntimeHandler handler, TimeSpan timeout) : IOciRuntime
{
    /// <summary>The handler this driver runs.</summary>
    public OciRuntimeHandler Handler => handler;

    public Task StartAsync(string id, CancellationToken cancellationToken) => RunAsync(["start", id], null, cancellationToken);

    /// <summary>Sends <paramref name="signal"/> (a number) to the container's init, or to every process with <paramref name="all"/>.</summary>
    public Task KillAsync(string id, int signal, bool all, CancellationToken cancellationToken) =>
        RunAsync(all ? ["kill", "--all", id, signal.ToString(System.Globalization.CultureInfo.InvariantCulture)] : ["kill", id, signal.ToString(System.Globalization.CultureInfo.InvariantCulture)], null, cancellationToken);

    /// <summary>Deletes the runtime's state for the container; <paramref name="force"/> kills it first if it runs.</summary>
    public Task DeleteAsync(string id, bool force, CancellationToken cancellationToken) =>
        RunAsync(force ? ["delete", "--force", id] : ["delete", id], null, cancellationToken);

    /// <summary>The runtime's view of the container, or null when it does not know it.</summary>
    public async Task<OciState?> StateAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var output = await RunAsync(["state", id], null, cancellationToken);
            return JsonSerializer.Deserialize(output, OciStateJsonContext.Default.OciState);
        }
        catch (OciRuntimeException e) when (e.Message.Contains("does not exist", StringComparison.Ordinal) ||
                                            e.Message.Contains("not found", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
    }

    public Task PauseAsync(string id, CancellationToken cancellationToken) => RunAsync(["pause", id], null, cancellationToken);

    public Task ResumeAsync(string id, CancellationToken cancellationToken) => RunAsync(["resume", id], null, cancellationToken);

    /// <summary>Applies new resources (an OCI LinuxResources JSON document) to a running container.</summary>
    public Task UpdateAsync(string id, string resourcesJson, CancellationToken cancellationToken) =>
        RunAsync(["update", "--resources", "-", id], resourcesJson, cancellationToken);

    /// <summary>Runs <c>checkpoint</c> (runc's and crun's CRIU front end); on failure the message carries the
    /// runtime's error and the error lines of CRIU's dump log, which is where CRIU says what it could not do.</summary>
    public async Task CheckpointAsync(string id, string imagePath, string workPath, bool leaveRunning, TimeSpan timeout, CancellationToken cancellationToken)
    {
        List<string> args = ["checkpoint", "--image-path", imagePath, "--work-path", workPath];
        if (leaveRunning)
        {
            args.Add("--leave-running");
        }

        args.Add(id);
        try
        {
            await RunAsync(args, null, timeout, cancellationToken);
        }
        catch (OciRuntimeException e)
        {
            var log = CriuLog.Errors(Path.Combine(workPath, "dump.log"));
            throw new OciRuntimeException(log.Length == 0 ? e.Message : $"{e.Message}; CRIU dump.log: {log}", e);
        }
    }

    /// <summary>The runtime's <c>features</c> document (runtime-spec features.md), as printed.</summary>
    public Task<string> FeaturesAsync(CancellationToken cancellationToken) => RunAsync(["features"], null, cancellationToken);

    public IExecProcess Exec(string id, ExecProcessFiles files, ExecStdio stdio) => RuntimeExec.Start(handler, id, files, stdio);

    private Task<string> RunAsync(IReadOnlyList<string> args, string? stdin, CancellationToken cancellationToken) =>
        RunAsync(args, stdin, timeout, cancellationToken);

    private async Task<string> RunAsync(IReadOnlyList<string> args, string? stdin, TimeSpan limit, CancellationToken cancellationToken)
    {
        var executable = handler.ResolveExecutable() ?? throw new OciRuntimeException($"OCI runtime {handler.Name} not found at {handler.Path}");
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--root");
        start.ArgumentList.Add(handler.Root);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new OciRuntimeException($"cannot start {executable}");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), deadline.Token);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new OciRuntimeException($"{handler.Name} {args[0]} did not finish within {limit.TotalSeconds:0}s");
        }

        if (process.ExitCode != 0)
        {
            var error = (await stderr).Trim();
            throw new OciRuntimeException($"{handler.Name} {args[0]} failed: {(error.Length == 0 ? $"exit code {process.ExitCode}" : error)}");
        }

        return await stdout;
    }
}
