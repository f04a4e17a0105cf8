using System.Diagnostics;
using System.Globalization;
using Minato.Docker.Http;
using Minato.Engine.Containers;

namespace Minato.Docker.Containers;

/// <summary><c>GET /containers/{id}/top</c>: the host's <c>ps</c> with the client's arguments, the rows of the
/// container's processes only (host pids, as dockerd shows them).</summary>
public sealed partial class ContainerRoutes
{
    private const int MaxPsOutputBytes = 4 * 1024 * 1024;

    private async Task TopAsync(DockerRequest request)
    {
        var (container, state) = Viewed(request);
        if (state.Phase != ContainerPhase.Running)
        {
            throw DockerApiException.Conflict($"Container {container.Id} is not running");
        }

        var args = (request.Query("ps_args") is { Length: > 0 } given ? given : "-ef").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (args.Length > 16 || args.Any(a => a.Length > 64 || a.Any(c => char.IsControl(c))))
        {
            throw DockerApiException.BadRequest("ps_args: at most 16 plain arguments");
        }

        var pids = ContainerPids(state);
        var output = await RunPsAsync(args, request.Aborted);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            throw DockerApiException.BadRequest("ps printed nothing");
        }

        var titles = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var pidColumn = Array.IndexOf(titles, "PID");
        if (pidColumn < 0)
        {
            throw DockerApiException.BadRequest("Couldn't find PID field in ps output");
        }

        var rows = new List<IReadOnlyList<string>>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length <= pidColumn || !int.TryParse(fields[pidColumn], CultureInfo.InvariantCulture, out var pid) || !pids.Contains(pid))
            {
                continue;
            }

            // The last column (the command) keeps its spaces.
            var row = fields.Take(titles.Length - 1).ToList();
            row.Add(string.Join(' ', fields.Skip(titles.Length - 1)));
            rows.Add(row);
        }

        await request.WriteJsonAsync(new TopResponse(titles, rows), DockerJson.Default.TopResponse);
    }

    /// <summary>The pids in the container's cgroup (its memory cgroup's <c>cgroup.procs</c>), or its init alone.</summary>
    private static HashSet<int> ContainerPids(ContainerRecord state)
    {
        var pids = new HashSet<int> { state.Pid };
        var procs = Path.Combine(state.MemoryCgroup, "cgroup.procs");
        if (state.MemoryCgroup.Length > 0 && File.Exists(procs))
        {
            foreach (var line in File.ReadLines(procs))
            {
                if (int.TryParse(line, CultureInfo.InvariantCulture, out var pid))
                {
                    pids.Add(pid);
                }
            }
        }

        return pids;
    }

    private static async Task<string> RunPsAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("ps") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var ps = Process.Start(start) ?? throw DockerApiException.BadRequest("ps could not be started");
        var stdout = new char[MaxPsOutputBytes];
        var read = await ps.StandardOutput.ReadBlockAsync(stdout, cancellationToken);
        var stderr = await ps.StandardError.ReadToEndAsync(cancellationToken);
        await ps.WaitForExitAsync(cancellationToken);
        return ps.ExitCode == 0 ? new string(stdout, 0, read) : throw DockerApiException.BadRequest($"Error running ps: {stderr.Trim()}");
    }
}
