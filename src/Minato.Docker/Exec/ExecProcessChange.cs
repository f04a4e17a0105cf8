using Minato.Docker.Containers;
using Minato.Docker.Http;
using Minato.Engine.Oci.Spec;

namespace Minato.Docker.Exec;

/// <summary><c>docker exec -u/-w/-e</c>: the exec's own user, working directory and environment over the container's process.</summary>
public static class ExecProcessChange
{
    /// <summary>Most environment entries an exec may add.</summary>
    public const int MaxEnv = 4096;

    /// <summary>Largest /etc/passwd or /etc/group read from the container.</summary>
    private const int MaxUserDatabaseBytes = 4 * 1024 * 1024;

    /// <summary>Checks the request at exec create, before anything runs.</summary>
    /// <exception cref="DockerApiException">400 naming the field: a malformed user, a relative working directory, an empty
    /// variable name, or too many entries.</exception>
    public static void Check(ExecCreateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.User is { Length: > 0 } user)
        {
            var parts = user.Split(':', 2);
            DockerProcess.Checked("User", () => ImageUsers.Name("User", parts[0]));
            if (parts.Length == 2)
            {
                DockerProcess.Checked("User", () => ImageUsers.Name("User group", parts[1]));
            }
        }

        if (request.WorkingDir is { Length: > 0 } directory)
        {
            if (directory[0] != '/')
            {
                // dockerd's message for a relative -w.
                throw DockerApiException.BadRequest($"the working directory '{directory}' is invalid, it needs to be an absolute path");
            }

            DockerProcess.Checked("WorkingDir", () => SpecValues.ContainerPath("WorkingDir", directory));
        }

        var env = request.Env ?? [];
        if (env.Count > MaxEnv)
        {
            throw DockerApiException.BadRequest($"Env: at most {MaxEnv} entries, got {env.Count}");
        }

        foreach (var entry in env)
        {
            DockerProcess.Checked("Env", () => SpecValues.SingleLine("Env", entry));
            if (entry.Length == 0 || entry[0] == '=')
            {
                throw DockerApiException.BadRequest($"Env: invalid environment variable: {entry}");
            }
        }
    }

    /// <summary>The change for the engine's exec spec, or null when the request asks none.</summary>
    public static Func<SpecProcess, string, SpecProcess>? For(ExecCreateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.User is not { Length: > 0 } && request.WorkingDir is not { Length: > 0 } && request.Env is not { Count: > 0 })
        {
            return null;
        }

        return (process, rootfs) => Apply(request, process, rootfs);
    }

    private static SpecProcess Apply(ExecCreateRequest request, SpecProcess process, string rootfs)
    {
        if (request.User is { Length: > 0 } text)
        {
            var parts = text.Split(':', 2);
            var user = DockerProcess.Checked("User", () => ImageUsers.Resolve(rootfs, parts[0], parts.Length == 2 ? parts[1] : "", memberships: true,
                MaxUserDatabaseBytes));
            process = process with
            {
                User = process.User with { Uid = user.Uid, Gid = user.Gid, AdditionalGids = user.AdditionalGids },
                Env = Merge(process.Env ?? [], [$"HOME={user.Home}"], keepExisting: true),
            };
        }

        if (request.WorkingDir is { Length: > 0 } directory)
        {
            process = process with { Cwd = directory };
        }

        if (request.Env is { Count: > 0 } env)
        {
            process = process with { Env = Merge(process.Env ?? [], env, keepExisting: false) };
        }

        return process;
    }

    /// <summary>The container's environment with <paramref name="added"/> set (an entry without <c>=</c> is the bare name, as
    /// dockerd passes it); with <paramref name="keepExisting"/> a name already set stays.</summary>
    private static List<string> Merge(IReadOnlyList<string> existing, IReadOnlyList<string> added, bool keepExisting)
    {
        static string Key(string entry) => entry.Split('=', 2)[0];
        var merged = existing.ToList();
        foreach (var entry in added)
        {
            var index = merged.FindIndex(e => Key(e) == Key(entry));
            if (index < 0)
            {
                merged.Add(entry);
            }
            else if (!keepExisting)
            {
                merged[index] = entry;
            }
        }

        return merged;
    }
}
