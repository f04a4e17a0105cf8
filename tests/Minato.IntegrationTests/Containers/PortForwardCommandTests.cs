using System.Net.Sockets;
using System.Text.RegularExpressions;
using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Containers;

/// <summary><c>minato port-forward</c> into the shared pod's network namespace.</summary>
[Collection(SharedContainerPod.Name)]
public sealed partial class PortForwardCommandTests(ContainerPodFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PortForward_HttpdInPodAndARefusedPort_ServesGetsAndSurvivesTheRefusal()
    {
        var id = await fixture.CreateAsync(ContainerPodFixture.Config(
            $"cli-httpd-{Guid.NewGuid():N}"[..20],
            "sh", "-c", "mkdir -p /tmp/www && echo hello-through-the-forward > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"));
        try
        {
            await fixture.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
            using var forward = BackgroundProcess.Start(
                MinatoDaemon.Executable, "port-forward", "--endpoint", fixture.Daemon.Endpoint, fixture.Pod.Metadata.Name, "0:8080", ":8081");
            var http = LocalPort(await forward.WaitForLineAsync("-> 8080", Timeout));
            var refused = LocalPort(await forward.WaitForLineAsync("-> 8081", Timeout));
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

            var first = await GetWithRetriesAsync(client, $"http://127.0.0.1:{http}/index.html");
            await Assert.ThrowsAnyAsync<Exception>(() => client.GetStringAsync($"http://127.0.0.1:{refused}/"));
            var error = await forward.WaitForLineAsync("connection refused", Timeout);
            var second = await client.GetStringAsync($"http://127.0.0.1:{http}/index.html");
            ProcessSignals.Send(forward.Id, 2);
            var exit = await forward.WaitForExitAsync(Timeout);

            Assert.Equal("hello-through-the-forward\n", first);
            Assert.Equal(first, second);
            Assert.Contains("port 8081", error, StringComparison.Ordinal);
            Assert.True(exit == 0, forward.Output);
        }
        finally
        {
            await fixture.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        }
    }

    [Fact]
    public async Task PortForward_UnknownPod_FailsBeforeListening()
    {
        var result = await CommandResult.RunAsync(
            MinatoDaemon.Executable, ["port-forward", "--endpoint", fixture.Daemon.Endpoint, "no-such-pod", "8080"], Timeout);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("no-such-pod", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Forwarding", result.Stdout, StringComparison.Ordinal);
    }

    private static int LocalPort(string line) =>
        int.Parse(ForwardingLine().Match(line) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException(line), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>httpd may not listen yet right after the start: a refused connection comes back as a failed request.</summary>
    private static async Task<string> GetWithRetriesAsync(HttpClient client, string url)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await client.GetStringAsync(url);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or SocketException && attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    [GeneratedRegex(@"^Forwarding from 127\.0\.0\.1:(\d+) -> \d+$")]
    private static partial Regex ForwardingLine();
}
