using Minato.Docker.Http;
using Minato.Engine.Containers;
using Minato.Engine.Oci.Spec;

namespace Minato.Docker.Containers;

/// <summary>The container's process as dockerd makes it from the request's Config and the image's config.</summary>
public static class DockerProcess
{
    /// <summary>The PATH dockerd sets when neither image nor request does.</summary>
    public const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Entrypoint then Cmd: the request's entrypoint replaces the image's and drops the image's Cmd, as dockerd.</summary>
    /// <exception cref="DockerApiException">400 when there is no command at all.</exception>
    public static IReadOnlyList<string> Command(ContainerConfig config, IReadOnlyList<string> imageEntrypoint, IReadOnlyList<string> imageCmd)
    {
        ArgumentNullException.ThrowIfNull(config);
        var entrypoint = config.Entrypoint ?? imageEntrypoint;
        var cmd = config.Cmd ?? (config.Entrypoint is null ? imageCmd : []);
        var args = entrypoint.Concat(cmd).ToList();
        if (args.Count == 0 || args[0].Length == 0)
        {
            throw DockerApiException.BadRequest("No command specified");
        }

        foreach (var arg in args)
        {
            Checked("Cmd", () => SpecValues.NoNul("Cmd", arg));
        }

        return args;
    }

    /// <summary>The image's env with the request's on top (by name), PATH when neither sets one, HOSTNAME, TERM with a
    /// TTY and HOME from the user's passwd entry unless set.</summary>
    public static IReadOnlyList<string> Environment(ContainerConfig config, ImageRuntimeConfig image, string hostname, string home)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(image);
        var values = new List<KeyValuePair<string, string>>();
        void Set(string entry, string field)
        {
            Checked(field, () => SpecValues.NoNul(field, entry));
            var at = entry.IndexOf('=', StringComparison.Ordinal);
            var key = at < 0 ? entry : entry[..at];
            if (key.Length == 0)
            {
                throw DockerApiException.BadRequest($"invalid environment variable: {entry}");
            }

            values.RemoveAll(v => v.Key == key);
            values.Add(new(key, entry));
        }

        foreach (var entry in image.Env)
        {
            Set(entry, "image Env");
        }

        foreach (var entry in config.Env ?? [])
        {
            // dockerd: "NAME" without '=' takes the value from the client's environment, which the CLI already did.
            if (entry.Contains('=', StringComparison.Ordinal))
            {
                Set(entry, "Env");
            }
        }

        if (values.All(v => v.Key != "PATH"))
        {
            values.Insert(0, new("PATH", DefaultPath));
        }

        values.RemoveAll(v => v.Key == "HOSTNAME");
        values.Insert(1, new("HOSTNAME", "HOSTNAME=" + hostname));
        if (config.Tty && values.All(v => v.Key != "TERM"))
        {
            values.Add(new("TERM", "TERM=xterm"));
        }

        if (values.All(v => v.Key != "HOME"))
        {
            values.Add(new("HOME", "HOME=" + home));
        }

        return values.Select(v => v.Value).ToList();
    }

    /// <summary>The working directory: the request's, else the image's, else '/'; always absolute and clean.</summary>
    public static string WorkingDir(ContainerConfig config, ImageRuntimeConfig image)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(image);
        var requested = config.WorkingDir is { Length: > 0 } w ? w : image.WorkingDir is { Length: > 0 } i ? i : "/";
        if (!requested.StartsWith('/'))
        {
            throw DockerApiException.BadRequest($"the working directory '{requested}' is invalid, it needs to be an absolute path");
        }

        return Checked("WorkingDir", () => SpecValues.ContainerPath("WorkingDir", requested));
    }

    /// <summary>User and group of <c>user[:group]</c> (the request's, else the image's), each a name or an id.</summary>
    public static (string User, string Group) User(ContainerConfig config, ImageRuntimeConfig image)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(image);
        var text = config.User is { Length: > 0 } u ? u : image.User;
        var parts = Checked("User", () => SpecValues.SingleLine("User", text)).Split(':', 2);
        var user = parts[0].Length == 0 ? "0" : Checked("User", () => ImageUsers.Name("User", parts[0]));
        var group = parts.Length == 2 && parts[1].Length > 0 ? Checked("User", () => ImageUsers.Name("User group", parts[1])) : string.Empty;
        return (user, group);
    }

    /// <summary>Runs an engine check, turning its error into dockerd's 400.</summary>
    public static T Checked<T>(string field, Func<T> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        try
        {
            return check();
        }
        catch (Engine.Errors.InvalidInputException e)
        {
            throw new DockerApiException(400, e.Message.StartsWith(field, StringComparison.Ordinal) ? e.Message : $"{field}: {e.Message}", e);
        }
    }
}
