using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Grpc.Net.Client;
using Minato.Cri.Api;
using Minato.Cri.Api.V1;

namespace Minato.Testing;

/// <summary>A real <c>minato daemon</c> process on its own socket, root and state under a temp directory.</summary>
public sealed class MinatoDaemon : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly GrpcChannel _channel;

    private readonly bool _ownsDirectory;

    private MinatoDaemon(string directory, string socketPath, Process process, bool ownsDirectory)
    {
        _ownsDirectory = ownsDirectory;
        Directory = directory;
        SocketPath = socketPath;
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _channel = CriChannel.ForUnixSocket(socketPath);
        Runtime = new RuntimeService.RuntimeServiceClient(_channel);
        Images = new ImageService.ImageServiceClient(_channel);
    }

    /// <summary>The temp directory holding the socket, root and state.</summary>
    public string Directory { get; }

    public string SocketPath { get; }

    public string Endpoint => "unix://" + SocketPath;

    public string Root => Path.Combine(Directory, "root");

    public string State => Path.Combine(Directory, "state");

    public int ProcessId => _process.Id;

    public RuntimeService.RuntimeServiceClient Runtime { get; }

    public ImageService.ImageServiceClient Images { get; }

    /// <summary>Everything the daemon printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The <c>minato</c> executable next to the test assembly.</summary>
    public static string Executable => Path.Combine(AppContext.BaseDirectory, "minato");

    /// <summary>Starts a daemon in a fresh temp directory and waits until its socket answers.</summary>
    public static async Task<MinatoDaemon> StartAsync(params string[] extraArgs)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("minato-it-").FullName;
        return await StartAsync(directory, ownsDirectory: true, extraArgs);
    }

    /// <summary>
    /// Starts a daemon that also serves the Docker Engine API on <see cref="DockerSocketPath"/> (<c>--docker-api</c>).
    /// </summary>
    public static async Task<MinatoDaemon> StartWithDockerApiAsync(params string[] extraArgs)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("minato-it-").FullName;
        return await StartAsync(directory, ownsDirectory: true, ["--docker-api", "unix://" + Path.Combine(directory, "docker.sock"), .. extraArgs]);
    }

    /// <summary>Where <see cref="StartWithDockerApiAsync"/> serves the Docker API.</summary>
    public string DockerSocketPath => Path.Combine(Directory, "docker.sock");

    /// <summary><c>DOCKER_HOST</c> for <see cref="DockerSocketPath"/>.</summary>
    public string DockerHost => "unix://" + DockerSocketPath;

    /// <summary>Starts a daemon whose socket, root and state live in <paramref name="directory"/>, which the caller owns.</summary>
    public static Task<MinatoDaemon> StartInAsync(string directory, params string[] extraArgs) =>
        StartAsync(directory, ownsDirectory: false, extraArgs);

    private static async Task<MinatoDaemon> StartAsync(string directory, bool ownsDirectory, string[] extraArgs)
    {
        var socket = Path.Combine(directory, "minato.sock");
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "daemon", "--listen", "unix://" + socket, "--root", Path.Combine(directory, "root"), "--state", Path.Combine(directory, "state"), "--log-level", "debug" }.Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        var daemon = new MinatoDaemon(directory, socket, Process.Start(start)!, ownsDirectory);
        await daemon.WaitUntilServingAsync(TimeSpan.FromSeconds(30));
        return daemon;
    }

    /// <summary>Sends SIGTERM and waits for the process to exit; returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            ProcessSignals.Send(_process.Id, ProcessSignals.SigTerm);
        }

        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (!_ownsDirectory)
        {
            return;
        }

        await BridgeRules.DeleteForRootAsync(Path.Combine(Directory, "root"));

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A test that left a mount or busy file behind fails on its own assertions; cleanup is best effort.
        }
    }

    private async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                // HasExited can be true before the output readers drained; this waits for their end of stream.
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"minato daemon exited with {_process.ExitCode}:\n{Output}");
            }

            if (File.Exists(SocketPath) && Output.Contains("serving CRI v1", StringComparison.Ordinal))
            {
                using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await probe.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
                    return;
                }
                catch (SocketException)
                {
                    // Not accepting yet.
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"minato daemon did not serve {SocketPath} within {timeout}:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
