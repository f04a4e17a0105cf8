using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Minato.Testing;

/// <summary>A real docker-registry on 127.0.0.1 (plain HTTP) with temp storage, in one of the <see cref="RegistryAuth"/>
/// modes, plus its token server in Token mode; images go in with <see cref="PushAsync(TestImage, string, CancellationToken)"/>.</summary>
public sealed class RegistryFixture : IAsyncDisposable
{
    public const string RegistryExecutable = "/usr/bin/docker-registry";
    public const string SkopeoExecutable = "/usr/bin/skopeo";

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly RegistryOptions _options;

    private RegistryFixture(string directory, int port, RegistryAuth auth, RegistryOptions options, TokenServer? tokens, Process process)
    {
        Directory = directory;
        Port = port;
        Auth = auth;
        _options = options;
        TokenServer = tokens;
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public RegistryAuth Auth { get; }

    /// <summary>The temp directory with the config, storage and auth files; deleted on dispose.</summary>
    public string Directory { get; }

    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>, the registry part of image references.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public Uri BaseAddress => new($"http://{Host}/");

    /// <summary>The user Basic and Token modes accept; null when the registry is open.</summary>
    public RegistryCredentials? Credentials => Auth == RegistryAuth.None ? null : _options.Credentials;

    /// <summary>The token service in Token mode, with the requests it saw.</summary>
    public TokenServer? TokenServer { get; }

    /// <summary>What the registry logged so far (one line a request), for the output of a failing test.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts a registry and waits until it answers <c>GET /v2/</c>.</summary>
    public static async Task<RegistryFixture> StartAsync(RegistryAuth auth = RegistryAuth.None, RegistryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new RegistryOptions();
        var directory = System.IO.Directory.CreateTempSubdirectory("minato-registry-").FullName;
        TokenServer? tokens = null;
        try
        {
            if (auth == RegistryAuth.Token)
            {
                tokens = await TokenServer.StartAsync(RegistryConfig.Service, RegistryConfig.Issuer, options.Credentials,
                    options.AnonymousPull, options.TokenLifetime, cancellationToken);
            }

            // Another process may take the port between probing and binding; a fresh port on the next try fixes that.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                var config = RegistryConfig.Write(directory, port, auth, options.Credentials, tokens);
                var registry = new RegistryFixture(directory, port, auth, options, tokens, StartProcess(config));
                try
                {
                    await registry.WaitUntilServingAsync(options.StartTimeout, cancellationToken);
                    return registry;
                }
                catch (InvalidOperationException) when (attempt < 3 && registry.Log.Contains("address already in use", StringComparison.Ordinal))
                {
                    await registry.StopProcessAsync();
                }
                catch
                {
                    await registry.StopProcessAsync();
                    throw;
                }
            }
        }
        catch
        {
            if (tokens is not null)
            {
                await tokens.DisposeAsync();
            }

            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Pushes a built image (every platform of an index) as <paramref name="nameTag"/> with
    /// <c>skopeo copy --preserve-digests</c> and checks that the registry serves the manifest digest the builder computed.</summary>
    public async Task<PushedImage> PushAsync(TestImage image, string nameTag, CancellationToken cancellationToken = default)
    {
        var colon = nameTag.LastIndexOf(':');
        if (colon <= 0 || nameTag[colon..].Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"expected name:tag, got {nameTag}", nameof(nameTag));
        }

        var destination = $"docker://{Host}/{nameTag}";
        List<string> copy = ["--insecure-policy", "copy", "--retry-times", "0", "--preserve-digests", "--dest-tls-verify=false"];
        if (image.IsIndex)
        {
            copy.AddRange(["--multi-arch", "all"]);
        }

        if (Credentials is { } credentials)
        {
            copy.AddRange(["--dest-creds", credentials.SkopeoCreds]);
        }

        var source = image.IsDockerFormat ? DirTransportView.Create(image, Path.Combine(Directory, $"dir-{Guid.NewGuid():N}")) : image.OciReference;
        copy.AddRange([source, destination]);
        await RunSkopeoAsync(copy, cancellationToken);

        List<string> inspect = ["--insecure-policy", "inspect", "--raw", "--tls-verify=false"];
        if (Credentials is { } inspectCredentials)
        {
            inspect.AddRange(["--creds", inspectCredentials.SkopeoCreds]);
        }

        inspect.Add(destination);
        var raw = await RunSkopeoAsync(inspect, cancellationToken);
        var served = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(raw.Stdout)));
        if (served != image.Digest)
        {
            throw new InvalidOperationException($"{destination} has manifest {served}, the built image {image.Digest}:\n{raw.Stdout}");
        }

        return new PushedImage(Host, nameTag[..colon], nameTag[(colon + 1)..], image.Digest, image.Root.MediaType);
    }

    /// <summary>Pushes the image tagged <paramref name="refName"/> in an OCI layout directory.</summary>
    public Task<PushedImage> PushAsync(string layoutDirectory, string nameTag, string refName = "latest", CancellationToken cancellationToken = default) =>
        PushAsync(TestImage.Load(layoutDirectory, refName), nameTag, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        if (TokenServer is not null)
        {
            await TokenServer.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp dir does not change any test's outcome.
        }
    }

    private async Task<CommandResult> RunSkopeoAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        // An empty auth file keeps the user's stored logins out of the test; only the credentials given here count.
        var authFile = Path.Combine(Directory, "skopeo-auth.json");
        if (!File.Exists(authFile))
        {
            await File.WriteAllTextAsync(authFile, "{}", cancellationToken);
        }

        var environment = new Dictionary<string, string?> { ["REGISTRY_AUTH_FILE"] = authFile, ["DOCKER_CONFIG"] = Directory };
        var result = await CommandResult.RunAsync(SkopeoExecutable, args, _options.PushTimeout, environment).WaitAsync(cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"skopeo {string.Join(' ', args)} failed: {result}\nregistry log:\n{Log}");
        }

        return result;
    }

    private static Process StartProcess(string config)
    {
        var start = new ProcessStartInfo(RegistryExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(config);

        // REGISTRY_* variables override the config file; none from the test's environment may leak in.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("REGISTRY_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"cannot start {RegistryExecutable}");
    }

    private async Task WaitUntilServingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "v2/"), cancellationToken);
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // This probe timed out; the next one may not.
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"docker-registry did not answer GET /v2/ on {Host} within {timeout}:\n{Log}");
    }

    private async Task StopProcessAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
