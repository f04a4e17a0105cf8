using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Containers;

/// <summary><c>minato exec -it</c> on a real terminal: a pseudo-terminal made by util-linux <c>script</c>.</summary>
[Collection(SharedContainerPod.Name)]
public sealed class ExecTerminalTests(ContainerPodFixture fixture)
{
    [Fact]
    public async Task Exec_InteractiveOnATerminal_RawModeSizeAndResizeThenTerminalRestored()
    {
        var id = await fixture.CreateAsync(ContainerPodFixture.Config($"cli-tty-{Guid.NewGuid():N}"[..20], "sleep", "600"));
        var directory = Directory.CreateTempSubdirectory("minato-it-tty-").FullName;
        try
        {
            await fixture.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });

            // The remote side waits for each size to arrive, prints it, and marks the first in its /tmp (seen from here through
            // /proc/PID/root); the local side waits for raw mode, records the terminal's settings, then after the mark resizes
            // the window (the kernel sends SIGWINCH to minato).
            var pid = (await fixture.InfoAsync(id)).GetProperty("pid").GetInt32();
            var remote = "for i in $(seq 100); do [ \"$(stty size)\" = \"40 100\" ] && break; sleep 0.1; done; echo first $(stty size); touch /tmp/first; " +
                         "for i in $(seq 100); do [ \"$(stty size)\" = \"50 120\" ] && break; sleep 0.1; done; echo second $(stty size)";
            var local = $"""
                stty rows 40 cols 100; stty -g > {directory}/before
                {MinatoDaemon.Executable} exec -it --endpoint {fixture.Daemon.Endpoint} {id} -- sh -c '{remote}' < /dev/tty &
                for i in $(seq 100); do stty -a | grep -q -- -icanon && break; sleep 0.1; done
                stty -a > {directory}/during
                for i in $(seq 100); do [ -e /proc/{pid}/root/tmp/first ] && break; sleep 0.1; done
                stty rows 50 cols 120
                wait $!; echo minato exited $?
                stty -g > {directory}/after
                """;
            var result = await CommandResult.RunAsync("script", ["-qec", local, "/dev/null"], TimeSpan.FromSeconds(60));

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("first 40 100", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("second 50 120", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("minato exited 0", result.Stdout, StringComparison.Ordinal);
            var during = await File.ReadAllTextAsync(Path.Combine(directory, "during"));
            Assert.Contains("-icanon", during, StringComparison.Ordinal);
            Assert.Contains(" -echo ", during, StringComparison.Ordinal);
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(directory, "before")), await File.ReadAllTextAsync(Path.Combine(directory, "after")));
        }
        finally
        {
            await fixture.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
            Directory.Delete(directory, recursive: true);
        }
    }
}
