using System.Text.Json;
using static Minato.Migrate.ObjectExtractor;

namespace Minato.Migrate.Node;

/// <summary>A process on the node: its id, name and command line.</summary>
public sealed record NodeProcess(int Pid, string Name, IReadOnlyList<string> CommandLine);

/// <summary>A Docker container on the node, with the pod it belongs to when the kubelet made it.</summary>
public sealed record DockerContainer(
    string Id, string Name, bool Running, string? PodNamespace, string? PodName, bool IsSandbox, bool IsDaemonSetPod, bool IsStaticPod,
    IReadOnlyList<string> MountSources);

/// <summary>
/// What the node's Docker is and does, read from files only (never the Docker API, so it works with Docker
/// stopped and on a fixture tree): the binary, the daemon's pid file and process, the processes and
/// containers that use the socket, the containers and pods it runs, and the images it holds.
/// </summary>
public sealed class DockerState
{
    public static readonly string[] Sockets = ["/var/run/docker.sock", "/run/docker.sock"];

    private static readonly string[] Binaries = ["/usr/bin/dockerd", "/usr/sbin/dockerd", "/usr/local/bin/dockerd"];
    private static readonly string[] PidFiles = ["/var/run/docker.pid", "/run/docker.pid"];

    private const int MaxProcesses = 65_536;
    private const int MaxFdsPerProcess = 4_096;
    private const int MaxContainers = 10_000;

    public string? Binary { get; private init; }

    public NodeProcess? Daemon { get; private init; }

    public IReadOnlyList<NodeProcess> Processes { get; private init; } = [];

    /// <summary>Processes other than the daemon holding the socket open, or configured with it.</summary>
    public IReadOnlyList<(NodeProcess Process, string How)> SocketUsers { get; private init; } = [];

    public IReadOnlyList<DockerContainer> Containers { get; private init; } = [];

    /// <summary>Image names (repository:tag) Docker holds, and how many distinct images they name.</summary>
    public IReadOnlyList<string> ImageNames { get; private init; } = [];

    public int ImageCount { get; private init; }

    public bool IsInstalled => Binary is not null;

    public bool IsRunning => Daemon is not null;

    public static DockerState Read(NodeFiles files)
    {
        var processes = ReadProcesses(files);
        var daemon = DaemonOf(files, processes);
        var (names, count) = ReadImages(files);
        return new DockerState
        {
            Binary = Binaries.FirstOrDefault(files.Exists),
            Daemon = daemon,
            Processes = processes,
            SocketUsers = SocketUsersOf(files, processes, daemon),
            Containers = ReadContainers(files),
            ImageNames = names,
            ImageCount = count,
        };
    }

    private static List<NodeProcess> ReadProcesses(NodeFiles files) =>
        files.List("/proc").Where(n => n.All(char.IsAsciiDigit)).Take(MaxProcesses)
            .Select(pid =>
            {
                var commandLine = (files.ReadText($"/proc/{pid}/cmdline") ?? "").Split('\0', StringSplitOptions.RemoveEmptyEntries);
                var name = files.ReadText($"/proc/{pid}/comm")?.Trim() ?? Path.GetFileName(commandLine.FirstOrDefault() ?? "");
                return new NodeProcess(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture), name, commandLine);
            })
            .Where(p => p.Name.Length > 0)
            .ToList();

    private static NodeProcess? DaemonOf(NodeFiles files, List<NodeProcess> processes)
    {
        foreach (var pidFile in PidFiles)
        {
            if (int.TryParse(files.ReadText(pidFile)?.Trim(), out var pid) && processes.FirstOrDefault(p => p.Pid == pid) is { Name: "dockerd" } daemon)
            {
                return daemon;
            }
        }

        return processes.FirstOrDefault(p => p.Name == "dockerd");
    }

    /// <summary>
    /// The kernel names the socket's path only on the daemon's side (listening and accepted sockets in
    /// /proc/net/unix); so a process counts as a user when one of its descriptors is such a socket, or when
    /// its command line or environment names the socket.
    /// </summary>
    private static List<(NodeProcess, string)> SocketUsersOf(NodeFiles files, List<NodeProcess> processes, NodeProcess? daemon)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in (files.ReadText("/proc/net/unix") ?? "").Split('\n').Skip(1))
        {
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length >= 8 && Sockets.Contains(columns[7]))
            {
                inodes.Add(columns[6]);
            }
        }

        var users = new List<(NodeProcess, string)>();
        foreach (var process in processes.Where(p => p != daemon && p.Name is not ("containerd" or "docker-proxy")))
        {
            var fd = files.List($"/proc/{process.Pid}/fd").Take(MaxFdsPerProcess)
                .Select(n => files.ReadLink($"/proc/{process.Pid}/fd/{n}"))
                .FirstOrDefault(l => l is not null && l.StartsWith("socket:[", StringComparison.Ordinal) && inodes.Contains(l[8..^1]));
            var environment = (files.ReadText($"/proc/{process.Pid}/environ") ?? "").Split('\0');
            if (fd is not null)
            {
                users.Add((process, $"holds {fd} of the socket open"));
            }
            else if (process.CommandLine.Any(a => Sockets.Any(s => a.Contains(s, StringComparison.Ordinal))))
            {
                users.Add((process, "names the socket on its command line"));
            }
            else if (environment.FirstOrDefault(e => e.StartsWith("DOCKER_HOST=unix://", StringComparison.Ordinal)) is { } host)
            {
                users.Add((process, $"has {host} in its environment"));
            }
        }

        return users;
    }

    private static List<DockerContainer> ReadContainers(NodeFiles files)
    {
        var containers = new List<DockerContainer>();
        foreach (var id in files.List("/var/lib/docker/containers").Take(MaxContainers))
        {
            if (files.ReadText($"/var/lib/docker/containers/{id}/config.v2.json") is not { } text)
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(text);
                var root = json.RootElement;
                var labels = Map(Prop(root, "Config"), "Labels").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                var mounts = Prop(root, "MountPoints").ValueKind == JsonValueKind.Object
                    ? Prop(root, "MountPoints").EnumerateObject().Select(m => Str(m.Value, "Source") ?? "").Where(s => s.Length > 0).ToList()
                    : [];
                containers.Add(new DockerContainer(
                    id,
                    (Str(root, "Name") ?? id).TrimStart('/'),
                    Prop(Prop(root, "State"), "Running").ValueKind == JsonValueKind.True,
                    labels.GetValueOrDefault("io.kubernetes.pod.namespace"),
                    labels.GetValueOrDefault("io.kubernetes.pod.name"),
                    labels.GetValueOrDefault("io.kubernetes.docker.type") == "podsandbox",
                    labels.ContainsKey("pod-template-generation"),
                    labels.GetValueOrDefault("annotation.kubernetes.io/config.source") == "file",
                    mounts));
            }
            catch (JsonException)
            {
                // A half-written state file (Docker was killed mid-write) says nothing reliable; skip it.
            }
        }

        return containers;
    }

    private static (List<string> Names, int Count) ReadImages(NodeFiles files)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var driver in files.List("/var/lib/docker/image"))
        {
            if (files.ReadText($"/var/lib/docker/image/{driver}/repositories.json") is not { } text)
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(text);
                var repositories = Prop(json.RootElement, "Repositories");
                if (repositories.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var repository in repositories.EnumerateObject())
                {
                    foreach (var (name, id) in Map(repositories, repository.Name))
                    {
                        ids.Add(id);
                        if (!name.Contains('@', StringComparison.Ordinal))
                        {
                            names.Add(name);
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Unreadable image index: report no images rather than guess.
            }
        }

        return ([.. names], ids.Count);
    }
}
