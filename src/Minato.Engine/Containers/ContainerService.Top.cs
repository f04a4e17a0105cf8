using System.Globalization;
using System.Text;
using Minato.Engine.Errors;

namespace Minato.Engine.Containers;

/// <summary>One process of a container, as the host sees it.</summary>
/// <param name="Pid">The host pid.</param>
/// <param name="ParentPid">The host pid of its parent.</param>
/// <param name="Uid">Its real uid on the host.</param>
/// <param name="State">The one-letter state of <c>/proc/[pid]/stat</c> (R, S, D, Z, ...).</param>
/// <param name="Command">Its command line (the name in brackets for a kernel-style process without one).</param>
public sealed record RunningProcess(int Pid, int ParentPid, uint Uid, string State, string Command);

/// <summary>The processes of a running container, from its cgroup and <c>/proc</c>: no <c>ps</c> is run.</summary>
public sealed partial class ContainerService
{
    /// <summary>Most bytes of one command line read.</summary>
    private const int MaxCommandBytes = 4096;

    /// <summary>Every process in the container's cgroup (its init when the cgroup cannot be read), by pid.</summary>
    /// <exception cref="NotFoundException">No such container.</exception>
    /// <exception cref="PreconditionException">The container does not run.</exception>
    public IReadOnlyList<RunningProcess> Processes(string id)
    {
        var record = Get(id);
        if (record.Phase != ContainerPhase.Running || record.Pid <= 0)
        {
            throw new PreconditionException($"container {record.Id} is not running");
        }

        var pids = new SortedSet<int> { record.Pid };
        var procs = Path.Combine(record.MemoryCgroup, "cgroup.procs");
        if (record.MemoryCgroup.Length > 0 && File.Exists(procs))
        {
            foreach (var line in File.ReadLines(procs))
            {
                if (int.TryParse(line, CultureInfo.InvariantCulture, out var pid))
                {
                    pids.Add(pid);
                }
            }
        }

        return [.. pids.Select(ReadProcess).OfType<RunningProcess>()];
    }

    // A process that exits while it is read is left out.
    private static RunningProcess? ReadProcess(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");

            // The name (field 2) is in parentheses and may hold anything: the fields after the last ')' are plain.
            var close = stat.LastIndexOf(')');
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var rest = stat[(close + 2)..].Split(' ');
            var uid = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
                .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
            return new RunningProcess(pid, int.Parse(rest[1], CultureInfo.InvariantCulture), uint.Parse(uid, CultureInfo.InvariantCulture),
                rest[0], CommandLine(pid) is { Length: > 0 } command ? command : $"[{stat[(open + 1)..close]}]");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string CommandLine(int pid)
    {
        using var stream = File.OpenRead($"/proc/{pid}/cmdline");
        var buffer = new byte[MaxCommandBytes];
        var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return Encoding.UTF8.GetString(buffer, 0, length).TrimEnd('\0').Replace('\0', ' ');
    }
}
