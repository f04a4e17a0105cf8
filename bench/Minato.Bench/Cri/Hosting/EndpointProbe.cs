using System.Diagnostics;
using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Bench.Cri.Hosting;

/// <summary>Waits until a CRI endpoint answers <c>Version</c>.</summary>
internal static class EndpointProbe
{
    public static async Task<VersionResponse> WaitAsync(BenchRuntime runtime, ChildProcess? process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process is { HasExited: true })
            {
                throw new InvalidOperationException($"{runtime.Name} exited during start-up; its log ({process.LogPath}) ends:\n{process.Tail()}");
            }

            if (File.Exists(runtime.SocketPath))
            {
                try
                {
                    return await runtime.Runtime.VersionAsync(new VersionRequest { Version = "v1" },
                        deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
                }
                catch (RpcException) when (clock.Elapsed < timeout)
                {
                    // Not serving yet.
                }
            }

            if (clock.Elapsed >= timeout)
            {
                throw new TimeoutException($"{runtime.Name} did not answer Version on {runtime.SocketPath} within {timeout}" +
                    (process is null ? string.Empty : $"; its log ends:\n{process.Tail()}"));
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
