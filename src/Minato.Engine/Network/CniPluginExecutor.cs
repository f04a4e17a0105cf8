using System.Diagnostics;

namespace Minato.Engine.Network;

/// <summary>What a plugin run printed and how it ended.</summary>
public sealed record CniExecResult(int ExitCode, byte[] Stdout, string Stderr);

/// <summary>The operating-system boundary for CNI: running one plugin executable with the exec protocol.</summary>
public interface ICniPluginExecutor
{
    /// <summary>Runs <paramref name="plugin"/> with exactly <paramref name="environment"/> and <paramref name="stdin"/>.</summary>
    Task<CniExecResult> ExecuteAsync(string plugin, IReadOnlyDictionary<string, string> environment, byte[] stdin, CancellationToken cancellationToken);
}

/// <summary>Runs plugins as child processes, bounded in time and output.</summary>
public sealed class CniProcessExecutor(TimeSpan timeout) : ICniPluginExecutor
{
    /// <summary>Largest result read from a plugin; a result is a few kilobytes.</summary>
    public const int MaxOutput = 1024 * 1024;

    public async Task<CniExecResult> ExecuteAsync(string plugin, IReadOnlyDictionary<string, string> environment, byte[] stdin, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(plugin)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new CniException($"cannot start CNI plugin {plugin}");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var stdout = ReadBoundedAsync(process, process.StandardOutput.BaseStream, deadline.Token);
            var stderr = ReadBoundedAsync(process, process.StandardError.BaseStream, deadline.Token);
            await WriteConfigAsync(process, stdin, deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            return new CniExecResult(process.ExitCode, await stdout, System.Text.Encoding.UTF8.GetString(await stderr));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new CniException($"CNI plugin {Path.GetFileName(plugin)} did not finish within {timeout.TotalSeconds:0}s and was killed") { TimedOut = true };
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    private static async Task WriteConfigAsync(Process process, byte[] stdin, CancellationToken cancellationToken)
    {
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin, cancellationToken);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // EPIPE: the plugin exited without reading its config (a DEL with nothing to do, or an early error).
            // Its exit code and output say how it went.
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(Process process, Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxOutput)
            {
                // Stop a runaway plugin now rather than at the timeout.
                process.Kill(entireProcessTree: true);
                throw new CniException($"CNI plugin wrote more than {MaxOutput} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
