using System.CommandLine;
using Minato.Api.V1;
using Minato.Configuration;
using Minato.Cri.Api.V1;
using Minato.Migrate;
using Minato.Migrate.Images;
using Minato.Migrate.Node;

namespace Minato.Cli;

/// <summary>
/// <c>minato migrate</c>: reads a cluster dump or manifests and reports what moving off Docker (dockershim)
/// means for them. Exit codes: 0 nothing blocks the move, 1 something does, 2 some input could not be read
/// (after reporting everything else).
/// </summary>
internal static class MigrateCommand
{
    public const int ExitReady = 0;
    public const int ExitBlocked = 1;
    public const int ExitBadInput = 2;

    private static readonly string[] Formats = ["text", "json", "markdown"];

    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Files or directories of JSON/YAML (kubectl get -o json|yaml, manifests), or - for stdin. " +
                "Without paths, reads stdin when it is not a terminal.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var format = new Option<string>("--output", "-o")
        {
            Description = "Report format: text, json or markdown.",
            DefaultValueFactory = _ => "text",
        };
        var command = new Command(
            "migrate",
            "Report what moving this cluster off Docker (dockershim) takes: nodes still on Docker, workloads " +
            "that use Docker itself, and what to do about each. Feed it: kubectl get nodes,pods,deployments," +
            "daemonsets,statefulsets,jobs,cronjobs,replicasets -A -o json")
        {
            paths,
            format,
        };
        command.Subcommands.Add(CreateNode());
        command.Subcommands.Add(CreateImages());
        command.SetAction((parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var request = new MigrateRequest(
                parseResult.GetValue(paths) ?? [],
                parseResult.GetValue(format) ?? "text",
                UseColor: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected
                    && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")));
            var stdin = new StdinSource(Console.OpenStandardInput, Console.IsInputRedirected);
            return Task.FromResult(Run(request, stdin, output, parseResult.InvocationConfiguration.Error, cancellationToken));
        });
        return command;
    }

    /// <summary><c>minato migrate node</c>: the node side of the move, read-only unless --apply.</summary>
    private static Command CreateNode()
    {
        var root = new Option<string>("--root")
        {
            Description = "The node's root directory: / on the node itself, or a copy of its files.",
            DefaultValueFactory = _ => "/",
        };
        var config = new Option<string?>("--config") { Description = $"Minato's configuration (default ROOT{MinatoConfig.DefaultPath} when it exists)." };
        var nodeName = new Option<string?>("--node-name") { Description = "The node's name in the cluster (default: ROOT/etc/hostname)." };
        var apply = new Option<bool>("--apply") { Description = "Make the file edits (with backups); refused unless the node is drained." };
        var command = new Command(
            "node",
            "Check this node for the move to Minato: Docker, the kubelet's runtime flags and config, cgroup drivers, " +
            "what uses /var/run/docker.sock; print the steps and the file edits as a diff. Read-only without --apply.")
        {
            root,
            config,
            nodeName,
            apply,
        };
        command.SetAction(parseResult => RunNode(
            new NodeRequest(parseResult.GetValue(root) ?? "/", parseResult.GetValue(config), parseResult.GetValue(nodeName), parseResult.GetValue(apply)),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>
    /// <c>minato migrate images --from-docker</c>: copies the images a Docker Engine holds into Minato's store, each
    /// exported by the engine (its docker save archive) to a temporary file and loaded by the daemon like
    /// <c>minato load</c>, so every blob gets the pull path's digest checks; images Minato has are skipped.
    /// </summary>
    private static Command CreateImages()
    {
        var from = new Option<string>("--from-docker")
        {
            Description = "The Docker Engine to copy from.",
            DefaultValueFactory = _ => "unix:///var/run/docker.sock",
        };
        var command = new Command("images", "Copy the images a Docker Engine holds into Minato's store, so the moved node does not pull them again.")
        {
            from,
        };
        ClientAction.SetWithExitCode(command, (connection, parse, output, cancellationToken) =>
            CopyImagesAsync(connection, parse.GetValue(from)!, output, cancellationToken));
        return command;
    }

    private static async Task<int> CopyImagesAsync(CriConnection connection, string from, TextWriter output, CancellationToken cancellationToken)
    {
        using var docker = CreateDockerClient(from);
        IReadOnlyList<DockerImage> images;
        try
        {
            images = await docker.ListImagesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new CliException($"migrate images: {from}: {ex.Message}");
        }

        var present = (await connection.Images.ListImagesAsync(new ListImagesRequest(), cancellationToken: cancellationToken)).Images;
        var presentIds = present.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var presentNames = present.SelectMany(i => i.RepoTags).ToHashSet(StringComparer.Ordinal);
        var (copied, skipped, failed) = (0, 0, 0);
        var scratch = Directory.CreateTempSubdirectory("minato-migrate-images-");
        try
        {
            for (var i = 0; i < images.Count; i++)
            {
                var image = images[i];
                var label = $"[{i + 1}/{images.Count}] {(image.RepoTags.Count > 0 ? string.Join(", ", image.RepoTags) : image.Id)}";
                if (image.RepoTags.Count == 0)
                {
                    await output.WriteLineAsync($"{label}: untagged, skipped");
                    skipped++;
                    continue;
                }

                if (presentIds.Contains(image.Id) && image.RepoTags.All(t => presentNames.Contains(DockerImageName.Canonical(t))))
                {
                    await output.WriteLineAsync($"{label}: already in Minato, skipped");
                    skipped++;
                    continue;
                }

                var archive = Path.Combine(scratch.FullName, $"{i}.tar");
                try
                {
                    long bytes;
                    await using (var file = new FileStream(archive, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                    {
                        bytes = await docker.ExportAsync(image.RepoTags, file, cancellationToken);
                    }

                    await output.WriteLineAsync($"{label}: exported {bytes / 1e6:F1} MB, loading");
                    var loaded = await connection.MinatoImages.LoadAsync(new LoadRequest { Path = archive }, cancellationToken: cancellationToken);
                    await output.WriteLineAsync($"{label}: loaded as {string.Join(", ", loaded.Images.SelectMany(l => l.Names).DefaultIfEmpty(image.Id))}");
                    copied++;
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or Grpc.Core.RpcException)
                {
                    await output.WriteLineAsync($"{label}: failed: {(ex is Grpc.Core.RpcException rpc ? rpc.Status.Detail : ex.Message)}");
                    failed++;
                }
                finally
                {
                    File.Delete(archive);
                }
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }

        await output.WriteLineAsync($"{copied:N0} copied, {skipped:N0} skipped, {failed:N0} failed (of {images.Count:N0} images in {from})");
        return failed > 0 ? 1 : 0;
    }

    private static DockerEngineClient CreateDockerClient(string from)
    {
        try
        {
            return new DockerEngineClient(from);
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message);
        }
    }

    internal static int RunNode(NodeRequest request, TextWriter output, TextWriter error)
    {
        if (!Directory.Exists(request.Root))
        {
            error.WriteLine($"minato migrate node: --root {request.Root}: no such directory");
            return ExitBadInput;
        }

        MinatoTarget target;
        try
        {
            var underRoot = Path.Join(request.Root, MinatoConfig.DefaultPath.TrimStart('/'));
            var minato = request.Config is not null ? ConfigLoader.Load(request.Config, new ConfigOverrides())
                : File.Exists(underRoot) ? ConfigLoader.Load(underRoot, new ConfigOverrides())
                : new MinatoConfig();
            target = new MinatoTarget(minato.Listen, minato.CgroupDriver.ToString().ToLowerInvariant());
        }
        catch (ConfigException ex)
        {
            error.WriteLine($"minato migrate node: {ex.Message}");
            return ExitBadInput;
        }

        var files = new NodeFiles(request.Root);
        var check = NodeInspector.Check(files, target, request.NodeName);
        new NodeReportRenderer(output).Render(check, request.Root);
        if (!request.Apply)
        {
            return check.Verdict == Verdict.Blocked ? ExitBlocked : ExitReady;
        }

        if (check.Changes.Count == 0)
        {
            output.WriteLine("--apply: no file to change.");
            return ExitReady;
        }

        try
        {
            var backups = NodeChanges.Apply(files, check, TimeProvider.System);
            output.WriteLine($"--apply: changed {string.Join(", ", check.Changes.Select(c => c.Path))}; backups: {(backups.Count == 0 ? "none (new files)" : string.Join(", ", backups))}");
            output.WriteLine("Next: stop the kubelet if it runs, start Minato, start the kubelet, uncordon (steps 4 to 6 above).");
            return ExitReady;
        }
        catch (NodeNotDrainedException ex)
        {
            error.WriteLine($"minato migrate node: --apply: {ex.Message}");
            return ExitBadInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"minato migrate node: --apply: {ex.Message}");
            return ExitBadInput;
        }
    }

    /// <summary>Runs the verb on parsed arguments; separate from parsing so tests can give their own stdin.</summary>
    internal static int Run(MigrateRequest request, StdinSource stdin, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!Formats.Contains(request.Format))
        {
            error.WriteLine($"minato migrate: unknown output format '{request.Format}' (use text, json or markdown)");
            return ExitBadInput;
        }

        var paths = request.Paths.Count > 0 ? request.Paths : stdin.IsRedirected ? [InputSource.StdinName] : [];
        if (paths.Count == 0)
        {
            error.WriteLine("minato migrate: no input: give files, directories or - for stdin (see --help)");
            return ExitBadInput;
        }

        MigrationReport report;
        try
        {
            report = new MigrationAnalyzer().Analyze(InputSource.Expand(paths, stdin.Open), cancellationToken);
        }
        catch (ManifestException ex)
        {
            error.WriteLine($"minato migrate: {ex.Message}");
            return ExitBadInput;
        }

        if (report.Input.Objects == 0 && report.Errors.Count == 0)
        {
            error.WriteLine($"minato migrate: no Kubernetes objects in {string.Join(", ", paths)}");
            return ExitBadInput;
        }

        // One malformed file hides nothing: the findings of everything that could be read come first.
        if (report.Input.Objects > 0)
        {
            Render(report, request, output);
        }

        foreach (var inputError in report.Errors)
        {
            error.WriteLine($"minato migrate: {inputError}");
        }

        return report.Errors.Count > 0 ? ExitBadInput : report.Verdict == Verdict.Blocked ? ExitBlocked : ExitReady;
    }

    private static void Render(MigrationReport report, MigrateRequest request, TextWriter output)
    {
        switch (request.Format)
        {
            case "json":
                JsonReportRenderer.Render(report, output);
                break;
            case "markdown":
                new MarkdownReportRenderer(output).Render(report);
                break;
            default:
                new TextReportRenderer(output, request.UseColor).Render(report);
                break;
        }
    }
}

/// <summary>The verb's arguments after parsing.</summary>
internal sealed record MigrateRequest(IReadOnlyList<string> Paths, string Format, bool UseColor = false);

/// <summary>The arguments of <c>minato migrate node</c>.</summary>
internal sealed record NodeRequest(string Root, string? Config, string? NodeName, bool Apply);

/// <summary>Standard input: how to open it, and whether it is a pipe or file rather than a terminal.</summary>
internal sealed record StdinSource(Func<Stream> Open, bool IsRedirected);
