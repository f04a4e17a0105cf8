namespace Minato.Engine.Network;

/// <summary>The outcome of looking for a usable pod network: the network, or why there is none.</summary>
public sealed record CniNetworkProbe(CniNetworkList? Network, string? Problem)
{
    /// <summary>True when a network list was found and all its plugins exist.</summary>
    public bool IsReady => Network is not null;
}

/// <summary>Finds the pod network in the CNI configuration directory.</summary>
public sealed class CniConfigDirectory(CniOptions options)
{
    /// <summary>The options this directory was made with.</summary>
    public CniOptions Options { get; } = options;

    /// <summary>
    /// Returns the first valid <c>.conflist</c> in ordinal file-name order whose plugins all exist, or a
    /// message that says why none is usable (what the kubelet shows for NetworkReady=false).
    /// </summary>
    public CniNetworkProbe Probe()
    {
        string[] files;
        try
        {
            files = Directory.GetFiles(Options.ConfigDir, "*.conflist");
        }
        catch (DirectoryNotFoundException)
        {
            return new CniNetworkProbe(null, $"CNI config directory {Options.ConfigDir} does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new CniNetworkProbe(null, $"cannot read CNI config directory {Options.ConfigDir}: {e.Message}");
        }

        Array.Sort(files, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var file in files)
        {
            var problem = TryLoad(file, out var network);
            if (network is not null)
            {
                return new CniNetworkProbe(network, null);
            }

            problems.Add($"{Path.GetFileName(file)}: {problem}");
        }

        return problems.Count == 0
            ? new CniNetworkProbe(null, $"no network config (*.conflist) found in {Options.ConfigDir}")
            : new CniNetworkProbe(null, $"no usable network config in {Options.ConfigDir}: {string.Join("; ", problems)}");
    }

    /// <summary>Finds a plugin executable in the plugin directories, or null.</summary>
    public string? FindPlugin(string type)
    {
        foreach (var dir in Options.PluginDirs)
        {
            var candidate = Path.Combine(dir, type);
            if (ExecutableSearch.IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private string? TryLoad(string file, out CniNetworkList? network)
    {
        network = null;
        try
        {
            var info = new FileInfo(file);
            if (info.Length > CniNetworkList.MaxFileSize)
            {
                return $"larger than {CniNetworkList.MaxFileSize} bytes";
            }

            var candidate = CniNetworkList.Parse(file, File.ReadAllBytes(file));
            var missing = candidate.PluginTypes.Where(t => FindPlugin(t) is null).Distinct().ToList();
            if (missing.Count > 0)
            {
                return $"plugin {string.Join(", ", missing)} not found in {string.Join(", ", Options.PluginDirs)}";
            }

            network = candidate;
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }
}
