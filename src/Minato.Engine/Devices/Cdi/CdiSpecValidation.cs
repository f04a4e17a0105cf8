namespace Minato.Engine.Devices.Cdi;

/// <summary>The checks a CDI spec must pass before any of its devices is offered: version, names, and every path and
/// value its edits would put into a container's OCI spec.</summary>
/// <remarks>Spec files belong to the node's operator, but a spec that a device plugin wrote wrongly must fail on its
/// own, with a message, rather than produce a config.json the runtime misreads: paths are absolute, hold no NUL and no
/// <c>..</c> segment, environment entries are <c>NAME=value</c>.</remarks>
internal static class CdiSpecValidation
{
    private static readonly HashSet<string> HookNames =
        new(StringComparer.Ordinal) { "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop" };

    /// <exception cref="FormatException">The spec is not valid; the message names the part.</exception>
    public static void Validate(CdiSpec spec)
    {
        var version = spec.Version ?? throw new FormatException("cdiVersion is required");
        var index = IndexOf(version);
        if (index < 0)
        {
            throw new FormatException(
                $"cdiVersion \"{CdiDeviceName.Printable(version)}\" is not supported (Minato reads {string.Join(", ", CdiSpecFile.Versions)})");
        }

        var minimum = CdiSpecFile.MinimumVersion(spec);
        if (IndexOf(minimum) > index)
        {
            throw new FormatException($"cdiVersion {version} is too old for the fields the spec uses: they need {minimum}");
        }

        Edits("containerEdits", spec.ContainerEdits);
        if (spec.Devices is not { Count: > 0 } devices)
        {
            throw new FormatException("the spec defines no devices");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            var name = device.Name ?? throw new FormatException("a device has no name");
            if (CdiDeviceName.ValidateDevice(name) is { } error)
            {
                throw new FormatException(error);
            }

            if (!names.Add(name))
            {
                throw new FormatException($"device \"{name}\" is defined twice");
            }

            if (device.ContainerEdits is not { IsEmpty: false })
            {
                throw new FormatException($"device \"{name}\" has no containerEdits");
            }

            Edits($"device \"{name}\"", device.ContainerEdits);
        }
    }

    private static int IndexOf(string version) => CdiSpecFile.Versions.ToList().IndexOf(version);

    private static void Edits(string where, CdiContainerEdits? edits)
    {
        if (edits is null)
        {
            return;
        }

        foreach (var env in edits.Env ?? [])
        {
            Env($"{where} env", env);
        }

        foreach (var node in edits.DeviceNodes ?? [])
        {
            var path = AbsolutePath($"{where} deviceNodes path", node.Path);
            if (node.HostPath is { Length: > 0 } hostPath)
            {
                AbsolutePath($"{where} deviceNodes hostPath", hostPath);
            }

            if (node.Type is not (null or "" or "b" or "c" or "u" or "p"))
            {
                throw new FormatException($"{where} device node {path}: type \"{CdiDeviceName.Printable(node.Type)}\" must be b, c, u or p");
            }

            if (node.Permissions is { Length: > 0 } access && access != "none" &&
                (access.Length > 3 || access.Any(c => c is not ('r' or 'w' or 'm')) || access.Distinct().Count() != access.Length))
            {
                throw new FormatException($"{where} device node {path}: permissions \"{CdiDeviceName.Printable(access)}\" must combine r, w and m");
            }

            if (node.Major < 0 || node.Minor < 0)
            {
                throw new FormatException($"{where} device node {path}: major and minor must not be negative");
            }
        }

        foreach (var mount in edits.Mounts ?? [])
        {
            var destination = AbsolutePath($"{where} mounts containerPath", mount.ContainerPath);
            var source = mount.HostPath is { Length: > 0 } host ? host : throw new FormatException($"{where} mount {destination}: hostPath is required");
            var bind = mount.Type is null or "" or "bind" || mount.Options?.Any(o => o is "bind" or "rbind") == true;
            if (bind)
            {
                AbsolutePath($"{where} mounts hostPath", source);
            }
            else
            {
                NoNul($"{where} mounts hostPath", source);
            }

            foreach (var option in mount.Options ?? [])
            {
                NoNul($"{where} mount {destination} options", option);
            }
        }

        foreach (var hook in edits.Hooks ?? [])
        {
            if (hook.HookName is null || !HookNames.Contains(hook.HookName))
            {
                throw new FormatException(
                    $"{where} hookName \"{CdiDeviceName.Printable(hook.HookName ?? string.Empty)}\" must be one of {string.Join(", ", HookNames)}");
            }

            AbsolutePath($"{where} {hook.HookName} hook path", hook.Path);
            foreach (var argument in hook.Args ?? [])
            {
                NoNul($"{where} {hook.HookName} hook args", argument);
            }

            foreach (var env in hook.Env ?? [])
            {
                Env($"{where} {hook.HookName} hook env", env);
            }

            if (hook.Timeout is <= 0)
            {
                throw new FormatException($"{where} {hook.HookName} hook timeout must be greater than zero");
            }
        }

        if (edits.IntelRdt?.ClosId is { } clos && clos != "/" && (clos.Length is 0 or >= 4096 || clos is "." or ".." || clos.Any(c => c is '/' or '\n' or '\0')))
        {
            throw new FormatException($"{where} intelRdt closID \"{CdiDeviceName.Printable(clos)}\" is not a valid resctrl group name");
        }
    }

    private static void Env(string where, string env)
    {
        NoNul(where, env);
        if (env.IndexOf('=', StringComparison.Ordinal) <= 0)
        {
            throw new FormatException($"{where} \"{CdiDeviceName.Printable(env)}\" must be NAME=value");
        }
    }

    private static string AbsolutePath(string where, string? path)
    {
        if (path is null || !path.StartsWith('/'))
        {
            throw new FormatException($"{where} \"{CdiDeviceName.Printable(path ?? string.Empty)}\" must be an absolute path");
        }

        NoNul(where, path);
        if (path.Split('/').Contains(".."))
        {
            throw new FormatException($"{where} \"{CdiDeviceName.Printable(path)}\" must not contain '..'");
        }

        return path;
    }

    private static void NoNul(string where, string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new FormatException($"{where} \"{CdiDeviceName.Printable(value)}\" contains a NUL character");
        }
    }
}
