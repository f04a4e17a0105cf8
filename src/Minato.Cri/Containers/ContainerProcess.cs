using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>argv and working directory of a container's process, from the image and the CRI request.</summary>
public static class ContainerProcess
{
    /// <summary>The Kubernetes rules: <c>command</c> replaces the image Entrypoint and drops its Cmd; <c>args</c>
    /// replaces the Cmd; with neither, Entrypoint followed by Cmd.</summary>
    public static IReadOnlyList<string> Args(ContainerConfig config, ImageRuntimeConfig image)
    {
        List<string> argv = config.Command.Count > 0
            ? [.. config.Command, .. config.Args]
            : [.. image.Entrypoint, .. config.Args.Count > 0 ? config.Args : image.Cmd];
        if (argv.Count == 0)
        {
            throw new InvalidInputException($"container {config.Metadata.Name}: no command given and the image has no Entrypoint or Cmd");
        }

        for (var i = 0; i < argv.Count; i++)
        {
            SpecValues.NoNul($"argv[{i}]", argv[i]);
        }

        if (argv[0].Length == 0)
        {
            throw new InvalidInputException($"container {config.Metadata.Name}: the command is empty");
        }

        return argv;
    }

    /// <summary>The CRI working_dir, else the image's WorkingDir (relative ones are taken from '/'), else '/'.</summary>
    public static string WorkingDir(ContainerConfig config, ImageRuntimeConfig image)
    {
        var (field, value) = config.WorkingDir.Length > 0 ? ("working_dir", config.WorkingDir) : ("image WorkingDir", image.WorkingDir);
        if (value.Length == 0)
        {
            return "/";
        }

        if (!value.StartsWith('/') && field == "image WorkingDir")
        {
            value = "/" + value;
        }

        return SpecValues.ContainerPath(field, value);
    }

    /// <summary>The stop signal: the caller's, else the image's, else SIGTERM; always in <c>SIGNAME</c> form or a number.</summary>
    public static string StopSignal(ContainerConfig config, ImageRuntimeConfig image)
    {
        var signal = config.StopSignal.Length > 0 ? config.StopSignal : image.StopSignal;
        if (signal.Length == 0)
        {
            return "SIGTERM";
        }

        signal = SpecValues.SingleLine("stop signal", signal).Trim().ToUpperInvariant();
        if (signal.All(char.IsAsciiDigit) && signal.Length <= 2)
        {
            return signal;
        }

        var name = signal.StartsWith("SIG", StringComparison.Ordinal) ? signal : "SIG" + signal;
        return name.Length <= 16 && name.Skip(3).All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c is '+' or '-')
            ? name
            : throw new InvalidInputException($"stop signal \"{signal}\" is not a signal name");
    }
}
