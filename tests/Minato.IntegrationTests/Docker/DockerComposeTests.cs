using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>Debian's docker-compose 1.29 and python3-docker 5.0 (docker-py) against the daemon, as CI jobs and scripts use
/// them: compose speaks API 1.25-era calls (create, then disconnect and connect before start, <c>link=False</c> on remove).</summary>
public sealed class DockerComposeTests(DockerClientsFixture fixture) : IClassFixture<DockerClientsFixture>
{
    /// <summary>Debian's docker-compose 1.29 (package <c>docker-compose</c>).</summary>
    public const string ComposePath = "/usr/bin/docker-compose";

    /// <summary>Debian's python3, whose dist-packages hold python3-docker 5.0 (a python3 earlier on PATH may have another).</summary>
    public const string PythonPath = "/usr/bin/python3";

    /// <summary>A docker-py script: pull, list, run detached, logs, exec_run (with a user), stop, remove, volumes, networks,
    /// and run with remove=True returning the output or raising ContainerError with the exit code. Prints one line a step.</summary>
    private const string DockerPyFlow = """
        import sys, time, docker
        image = sys.argv[1]
        client = docker.from_env(version="auto", timeout=120)
        def step(name, value):
            print(name, value, flush=True)
        step("version", docker.__version__)
        step("pull", client.images.pull(image).id)
        step("listed", any(image in tag for i in client.images.list() for tag in i.tags))
        c = client.containers.run(image, ["sh", "-c", "echo started; exec sleep 300"], detach=True, name="pyflow", labels={"flow": "py"})
        for _ in range(100):
            if b"started" in c.logs():
                break
            time.sleep(0.1)
        step("logs", c.logs().decode().strip())
        code, output = c.exec_run(["sh", "-c", "echo exec-$((40+2)); exit 5"])
        step("exec", f"{code} {output.decode().strip()}")
        code, output = c.exec_run(["sh", "-c", "id -u; pwd; echo $FLOW"], user="1000", workdir="/tmp", environment={"FLOW": "py-env"})
        step("exec-options", " ".join(output.decode().split()))
        c.reload()
        step("status", c.status)
        c.stop(timeout=1)
        c.reload()
        step("stopped", c.status)
        c.remove()
        step("remaining", len(client.containers.list(all=True, filters={"label": "flow=py"})))
        volume = client.volumes.create("pyvol", labels={"flow": "py"})
        network = client.networks.create("pynet", driver="bridge")
        step("created", f"{volume.name} {network.name}")
        out = client.containers.run(image, ["sh", "-c", "echo from-rm > /v/f; cat /v/f"], remove=True, volumes={"pyvol": {"bind": "/v", "mode": "rw"}}, network="pynet")
        step("run-rm", out.decode().strip())
        try:
            client.containers.run(image, ["sh", "-c", "exit 3"], remove=True)
            step("run-fail", "none")
        except docker.errors.ContainerError as e:
            step("run-fail", e.exit_status)
        network.remove()
        volume.remove()
        step("left", f"{len(client.networks.list(names=['pynet']))} {len(client.volumes.list(filters={'name': 'pyvol'}))}")
        """;

    private DockerClient Docker => fixture.Docker;

    [Fact]
    public async Task ComposeUp_TwoServices_ClientReachesWebByServiceNameAndDownRemovesEverything()
    {
        var directory = Directory.CreateTempSubdirectory("minato-compose-").FullName;
        try
        {
            var file = Path.Combine(directory, "docker-compose.yml");
            await File.WriteAllTextAsync(file, $$"""
                version: "3.7"
                services:
                  web:
                    image: {{fixture.Image}}
                    command: ["sh", "-c", "mkdir -p /www && echo hello-from-web > /www/index.html && echo web-ready && exec httpd -f -p 80 -h /www"]
                    stop_signal: SIGKILL
                    volumes:
                      - data:/data
                  client:
                    image: {{fixture.Image}}
                    command: ["sleep", "300"]
                    stop_signal: SIGKILL
                    depends_on: [web]
                volumes:
                  data: {}
                """);
            string[] project = ["-f", file, "-p", "mzproj"];

            var up = await Docker.RunClientAsync(ComposePath, [.. project, "up", "-d"]);
            Assert.True(up.ExitCode == 0, up.ToString());
            var ps = await Docker.RunClientAsync(ComposePath, [.. project, "ps"]);
            CommandResult fetch = null!;
            for (var attempt = 0; attempt < 20 && fetch?.ExitCode != 0; attempt++)
            {
                await Task.Delay(attempt == 0 ? 0 : 250);
                fetch = await Docker.RunClientAsync(ComposePath, [.. project, "exec", "-T", "client", "wget", "-qO-", "http://web/"]);
            }

            var logs = await Docker.RunClientAsync(ComposePath, [.. project, "logs", "--no-color", "web"]);
            var listed = await Docker.RunAsync("ps", "--filter", "label=com.docker.compose.project=mzproj", "--format", "{{.Names}}");
            var byVolume = await Docker.RunAsync("ps", "--filter", "volume=mzproj_data", "--format", "{{.Names}}");
            var down = await Docker.RunClientAsync(ComposePath, [.. project, "down", "-v"]);
            var left = await Docker.RunAsync("ps", "-a", "--filter", "label=com.docker.compose.project=mzproj", "-q");
            var networks = await Docker.RunAsync("network", "ls", "--format", "{{.Name}}");
            var volumes = await Docker.RunAsync("volume", "ls", "--format", "{{.Name}}");

            Assert.True(ps.ExitCode == 0, ps.ToString());
            Assert.Contains("mzproj_web_1", ps.Stdout, StringComparison.Ordinal);
            Assert.Contains("mzproj_client_1", ps.Stdout, StringComparison.Ordinal);
            Assert.True(fetch.ExitCode == 0, fetch.ToString());
            Assert.Equal("hello-from-web", fetch.Stdout.Trim());
            Assert.Contains("web-ready", logs.Stdout, StringComparison.Ordinal);
            Assert.Equal(["mzproj_client_1", "mzproj_web_1"], listed.Stdout.Trim().Split('\n').Order(StringComparer.Ordinal));
            Assert.Equal("mzproj_web_1", byVolume.Stdout.Trim());
            Assert.True(down.ExitCode == 0, down.ToString());
            Assert.Equal("", left.Stdout.Trim());
            Assert.DoesNotContain("mzproj_default", networks.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("mzproj_data", volumes.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task DockerPy_ContainersVolumesNetworks_EveryStepAnswersAsWithDockerd()
    {
        var script = Path.Combine(fixture.Daemon.Directory, "docker_py_flow.py");
        await File.WriteAllTextAsync(script, DockerPyFlow);

        var run = await Docker.RunClientAsync(PythonPath, script, fixture.Image);

        Assert.True(run.ExitCode == 0, run.ToString());
        var steps = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        Assert.StartsWith("5.", steps["version"], StringComparison.Ordinal);
        Assert.StartsWith("sha256:", steps["pull"], StringComparison.Ordinal);
        Assert.Equal("True", steps["listed"]);
        Assert.Equal("started", steps["logs"]);
        Assert.Equal("5 exec-42", steps["exec"]);
        Assert.Equal("1000 /tmp py-env", steps["exec-options"]);
        Assert.Equal("running", steps["status"]);
        Assert.Equal("exited", steps["stopped"]);
        Assert.Equal("0", steps["remaining"]);
        Assert.Equal("pyvol pynet", steps["created"]);
        Assert.Equal("from-rm", steps["run-rm"]);
        Assert.Equal("3", steps["run-fail"]);
        Assert.Equal("0 0", steps["left"]);
    }
}
