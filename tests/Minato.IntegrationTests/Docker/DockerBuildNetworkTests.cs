using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>RUN's network in <c>docker build</c>: the default bridge unless <c>--network none|host</c>, connected for the step
/// only.</summary>
public sealed class DockerBuildNetworkTests(DockerClientsFixture fixture) : IClassFixture<DockerClientsFixture>
{
    [Fact]
    public async Task DockerBuild_RunOnDefaultBridge_FetchesFromTheHostAndLeavesNoEndpoint()
    {
        using var server = new TcpListener(IPAddress.Any, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        using var serving = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var answered = AnswerOnceAsync(server, serving.Token);
        var context = WriteContext($"""
            FROM {fixture.Image}
            RUN ip -4 -o addr show eth0 > /net.txt && wget -qO- http://{fixture.Gateway}:{port}/ > /fetched.txt
            """);

        var build = await BuildAsync("-t", "built/bridge:1", context);
        var run = await fixture.Docker.RunAsync("run", "--rm", "--network", "none", "built/bridge:1", "cat", "/net.txt", "/fetched.txt");
        var endpoints = await fixture.Docker.RunAsync("network", "inspect", "bridge", "-f", "{{len .Containers}}");

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(await answered, "the RUN step never connected to the host");
        Assert.True(run.ExitCode == 0, run.ToString());
        var prefix = fixture.Subnet[..fixture.Subnet.LastIndexOf('.')] + ".";
        Assert.Contains("inet " + prefix, run.Stdout, StringComparison.Ordinal);
        Assert.Contains("hello from the host", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("0", endpoints.Stdout.Trim());
    }

    [Fact]
    public async Task DockerBuild_NetworkNone_RunHasOnlyLoopback()
    {
        var context = WriteContext($"""
            FROM {fixture.Image}
            RUN ip -o link | grep -v ' lo:' | wc -l > /links.txt
            """);

        var build = await BuildAsync("--network", "none", "-t", "built/none:1", context);
        var run = await fixture.Docker.RunAsync("run", "--rm", "--network", "none", "built/none:1", "cat", "/links.txt");

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("0", run.Stdout.Trim());
    }

    private static async Task<bool> AnswerOnceAsync(TcpListener server, CancellationToken cancellationToken)
    {
        try
        {
            using var client = await server.AcceptTcpClientAsync(cancellationToken);
            var stream = client.GetStream();
            // The request up to its blank line; wget sends no body.
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return false;
                }

                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var body = "hello from the host\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}")), cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private string WriteContext(string dockerfile)
    {
        var context = Path.Combine(fixture.Daemon.Directory, "context-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), dockerfile + "\n");
        return context;
    }

    private Task<CommandResult> BuildAsync(params string[] args) =>
        CommandResult.RunAsync(DockerClient.CliPath, ["build", .. args], TimeSpan.FromMinutes(3), new Dictionary<string, string?>
        {
            ["DOCKER_HOST"] = fixture.Daemon.DockerHost,
            ["DOCKER_CONFIG"] = fixture.Docker.ConfigDirectory,
            ["DOCKER_BUILDKIT"] = "0",
            ["DOCKER_CONTEXT"] = null,
            ["DOCKER_API_VERSION"] = null,
        });
}
