using System.Runtime.InteropServices;
using System.Text;
using Minato.Build.Dockerfile;
using Minato.Engine.Containers;
using Minato.Engine.Network;
using Minato.Engine.Network.Bridges;
using Minato.Engine.Oci.Spec;

namespace Minato.Build;

/// <summary>RUN: a container on the engine over the previous step's layers; its writable layer becomes the step's layer.</summary>
public sealed partial class ImageBuilder
{
    /// <summary>Docker's default capability set (moby's oci/caps defaults).</summary>
    private static readonly IReadOnlyList<string> RunCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    private const int MaxUserDatabaseBytes = 4 * 1024 * 1024;

    private async Task RunStepAsync(StageState state, RunInstruction run, CancellationToken cancellationToken)
    {
        var output = state.Run.Output;
        if (run.Mounts.Count > 0)
        {
            throw new BuildFailedException($"RUN --mount on line {run.Line}: the classic builder has no mounts for RUN (use BuildKit)");
        }

        var network = (run.Network ?? state.Run.Options.NetworkMode) switch
        {
            "" or "default" or "bridge" => "bridge",
            "none" => "none",
            "host" => "host",
            var other => throw new BuildFailedException($"network mode \"{other}\" is not supported for RUN; use default, bridge, none or host"),
        };
        var bridge = network == "bridge" ? bridges.Find(bridges.Options.DefaultName) : null;
        if (network == "bridge" && bridge is null)
        {
            // The default bridge network is the Docker door's: without it (the Docker API never enabled) RUN has none.
            network = "none";
            await output.WriteAsync("[Warning] RUN runs without a network: the default bridge network does not exist (enable [docker_api] to have it)\n", cancellationToken);
        }

        var args = ArgsEnvironment(state);
        IReadOnlyList<string> argv = run.Command.IsExec ? run.Command.Arguments : [.. ShellOf(state), Script(run)];
        var display = string.Join(' ', argv);
        var createdBy = args.Count > 0 ? $"|{args.Count} {string.Join(' ', args)} {display}" : display;
        state.Advance("RUN " + createdBy + "\nnetwork=" + network);
        if (await TryCacheAsync(state, cancellationToken))
        {
            return;
        }

        var image = state.Image ?? throw new BuildFailedException(
            $"RUN on line {run.Line}: the stage has no filesystem yet (FROM scratch), so there is no {argv[0]} to run");
        var env = state.Config.Strings("Env").ToList();
        env.AddRange(args.Where(a => !env.Any(e => e.StartsWith(a[..(a.IndexOf('=', StringComparison.Ordinal) + 1)], StringComparison.Ordinal))));
        var config = state.Config;
        var id = ContainerService.NewId();
        await output.WriteAsync($" ---> Running in {id[..12]}\n", cancellationToken);
        state.Run.StepsRun++;
        var description = new ContainerDescription(id, Owner, "build-" + id[..12], image, settings.RuntimeHandler, string.Empty,
            Tty: false, Stdin: false, StdinOnce: false, rootfs => RunSpec(rootfs, argv, env, config, network, id));
        await containers.CreateAsync(description, cancellationToken);
        try
        {
            if (bridge is not null)
            {
                // Connected between the runtime's create and start, as a Docker container on the default bridge.
                var record = containers.Get(id);
                await bridges.AttachAsync(new ContainerAttachment(
                    id, "build-" + id[..12], id[..12], Path.Combine(record.BundleDirectory, "hosts"), record.Pid,
                    [new EndpointSpec(bridge.Id, [])], []), cancellationToken);
            }

            await containers.StartAsync(id, cancellationToken);
            await StreamLogAsync(state.Run.Output, id, cancellationToken);
            var code = containers.Get(id).ExitCode;
            var tail = output.TakeTail();
            if (code != 0)
            {
                throw new BuildFailedException($"The command '{display}' returned a non-zero code: {code}", code, tail);
            }

            using var layer = await containers.WriteLayerAsync(id, cancellationToken);
            await CommitLayerAsync(state, layer, createdBy, cancellationToken);
        }
        finally
        {
            await RemoveContainerAsync(id);
        }

        await output.WriteAsync($"Removing intermediate container {id[..12]}\n", cancellationToken);
    }

    /// <summary>Kills (if need be), disconnects and removes a build container; never throws on the failure path it cleans up after.</summary>
    private async Task RemoveContainerAsync(string id)
    {
        try
        {
            await bridges.DetachAsync(id, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The endpoint stays recorded; the next start-up's leftover sweep retries the DEL.
            BuildLog.RemoveFailed(logger, id, e.Message);
        }

        try
        {
            if (containers.Find(id) is { IsLive: true })
            {
                await containers.KillAsync(id, 9, all: true, CancellationToken.None);
                await containers.WaitForExitAsync(id, TimeSpan.FromSeconds(10), CancellationToken.None);
            }

            await containers.RemoveAsync(id, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            BuildLog.RemoveFailed(logger, id, e.Message);
        }
    }

    /// <summary>Uses the cached result of the step just keyed, if there is one; true when it did.</summary>
    private async Task<bool> TryCacheAsync(StageState state, CancellationToken cancellationToken)
    {
        if (state.Run.Options.NoCache || cache.Find(state.Key) is not { } cached)
        {
            return false;
        }

        state.Adopt(cached, await ConfigOfAsync(cached, cancellationToken));
        state.Run.StepsCached++;
        await state.Run.Output.WriteAsync(" ---> Using cache\n", cancellationToken);
        return true;
    }

    /// <summary>The build args RUN sees as <c>name=value</c>: declared ARGs with a value that ENV does not shadow, and the
    /// predefined proxy args given with <c>--build-arg</c>.</summary>
    private static List<string> ArgsEnvironment(StageState state)
    {
        var args = state.Args.Where(a => a.Value is not null && state.Config.Lookup(a.Key) is null)
            .Select(a => $"{a.Key}={a.Value}").ToList();
        foreach (var proxy in ProxyArgs)
        {
            if (!state.Args.ContainsKey(proxy) && state.Run.Options.BuildArgs.TryGetValue(proxy, out var value) && value is not null)
            {
                args.Add($"{proxy}={value}");
            }
        }

        return args;
    }

    /// <summary>The shell text with its here-documents after it, as the shell reads them.</summary>
    private static string Script(RunInstruction run)
    {
        if (run.Heredocs.Count == 0)
        {
            return run.Command.Shell;
        }

        // "RUN <<EOF" alone runs the document as the script, as BuildKit does.
        var marker = run.Command.Shell.Trim().TrimStart('<').TrimStart('-').Trim('\'', '"');
        if (run.Heredocs.Count == 1 && marker == run.Heredocs[0].Name)
        {
            return run.Heredocs[0].Content;
        }

        var script = new StringBuilder(run.Command.Shell).Append('\n');
        foreach (var heredoc in run.Heredocs)
        {
            script.Append(heredoc.Content);
            if (heredoc.Content.Length > 0 && !heredoc.Content.EndsWith('\n'))
            {
                script.Append('\n');
            }

            script.Append(heredoc.Name).Append('\n');
        }

        return script.ToString();
    }

    private PreparedSpec RunSpec(
        ContainerRootfs rootfs, IReadOnlyList<string> argv, List<string> env, ImageConfigDocument config, string network, string id)
    {
        var userText = config.String("User") ?? string.Empty;
        var colon = userText.IndexOf(':', StringComparison.Ordinal);
        var (userName, groupName) = colon < 0 ? (userText, string.Empty) : (userText[..colon], userText[(colon + 1)..]);
        userName = userName.Length == 0 ? "0" : ImageUsers.Name("USER", userName);
        groupName = groupName.Length == 0 ? string.Empty : ImageUsers.Name("USER group", groupName);
        var user = ImageUsers.Resolve(rootfs.Path, userName, groupName, memberships: true, MaxUserDatabaseBytes);
        var cwd = config.String("WorkingDir") is { Length: > 0 } w ? CleanPath(w) : "/";
        var environment = env.ToList();
        if (!environment.Any(e => e.StartsWith("PATH=", StringComparison.Ordinal)))
        {
            environment.Insert(0, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        }

        environment.Insert(0, "HOSTNAME=" + id[..12]);
        if (!environment.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal)))
        {
            environment.Add("HOME=" + user.Home);
        }

        var mounts = StandardMounts.Kernel(privileged: false).Append(StandardMounts.Shm()).ToList();
        var namespaces = new List<LinuxNamespace> { new("pid"), new("ipc"), new("uts"), new("mount") };
        if (network == "host")
        {
            mounts.Add(StandardMounts.Bind("/etc/resolv.conf", "/etc/resolv.conf", "rprivate", "ro"));
            mounts.Add(StandardMounts.Bind("/etc/hosts", "/etc/hosts", "rprivate", "ro"));
        }
        else
        {
            namespaces.Add(new("network"));
        }

        if (network == "bridge")
        {
            // The bundle (the rootfs' parent) holds the files bound over the image's: not part of the step's layer.
            var bundle = Path.GetDirectoryName(rootfs.Path)!;
            var hosts = Path.Combine(bundle, "hosts");
            var resolv = Path.Combine(bundle, "resolv.conf");
            File.WriteAllText(hosts, $"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
            File.WriteAllText(resolv, ResolvConf.ForContainer(ResolvConf.ReadHost(), hostNetwork: false));
            mounts.Add(StandardMounts.Bind(hosts, "/etc/hosts", "rprivate", "rw"));
            mounts.Add(StandardMounts.Bind(resolv, "/etc/resolv.conf", "rprivate", "ro"));
        }

        if (settings.CgroupV2)
        {
            namespaces.Add(new("cgroup"));
        }

        var spec = new RuntimeSpec
        {
            Root = new SpecRoot(rootfs.Path),
            Hostname = id[..12],
            Process = new SpecProcess
            {
                User = new SpecUser { Uid = user.Uid, Gid = user.Gid, AdditionalGids = user.AdditionalGids },
                Args = argv,
                Env = environment,
                Cwd = cwd,
                Capabilities = Capabilities.Sets(RunCapabilities),
            },
            Mounts = mounts,
            Linux = new LinuxSpec
            {
                Namespaces = namespaces,
                CgroupsPath = settings.SystemdCgroups ? $"system.slice:minato-build:{id}" : $"/minato-build/{id}",
                Seccomp = RuntimeDefaultSeccomp.For(RunCapabilities, RuntimeInformation.OSArchitecture),
                MaskedPaths = ProcPaths.DefaultMasked,
                ReadonlyPaths = ProcPaths.DefaultReadonly,
            },
        };
        return new PreparedSpec(spec, cwd == "/" ? [] : [cwd[1..]], "SIGTERM");
    }

    /// <summary>Streams the container's log (the CRI log format conmon writes) to the output until it has exited.</summary>
    private async Task StreamLogAsync(StepOutput output, string id, CancellationToken cancellationToken)
    {
        var path = containers.Get(id).LogPath;
        var pending = new StringBuilder();
        var line = new StringBuilder();
        long offset = 0;
        var exited = false;
        while (true)
        {
            if (!exited)
            {
                exited = await containers.WaitForExitAsync(id, TimeSpan.FromMilliseconds(100), cancellationToken);
            }

            if (File.Exists(path))
            {
                await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                file.Position = offset;
                using var reader = new StreamReader(file, Encoding.UTF8, false, 1 << 16, leaveOpen: true);
                pending.Append(await reader.ReadToEndAsync(cancellationToken));
                offset = file.Position;
            }

            int newline;
            while ((newline = pending.ToString().IndexOf('\n', StringComparison.Ordinal)) >= 0)
            {
                var record = pending.ToString(0, newline);
                pending.Remove(0, newline + 1);

                // "<time> <stream> <P|F> <text>": P is a partial line whose rest follows in the next record.
                var parts = record.Split(' ', 4);
                if (parts.Length < 3)
                {
                    continue;
                }

                line.Append(parts.Length == 4 ? parts[3] : string.Empty);
                if (parts[2] != "P")
                {
                    await output.RunOutputAsync(line.ToString(), cancellationToken);
                    line.Clear();
                }
            }

            if (exited)
            {
                if (line.Length > 0)
                {
                    await output.RunOutputAsync(line.ToString(), cancellationToken);
                }

                return;
            }
        }
    }
}
