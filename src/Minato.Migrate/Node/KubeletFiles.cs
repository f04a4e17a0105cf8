namespace Minato.Migrate.Node;

/// <summary>
/// An environment file that holds kubelet flags in one variable, as kubeadm's <c>kubeadm-flags.env</c>
/// (<c>KUBELET_KUBEADM_ARGS="--flag=value ..."</c>) and distributions' <c>/etc/default/kubelet</c> or
/// <c>/etc/sysconfig/kubelet</c> (<c>KUBELET_EXTRA_ARGS=...</c>). Edits keep every other line as it is.
/// </summary>
public sealed class KubeletFlagFile
{
    private readonly List<string> _lines;
    private readonly List<string> _tokens;
    private int _line;
    private string _quote;

    private KubeletFlagFile(string path, string variable, string? text)
    {
        Path = path;
        Variable = variable;
        Original = text;
        _lines = text is null ? [] : [.. text.Split('\n')];
        if (_lines.Count > 0 && _lines[^1].Length == 0)
        {
            _lines.RemoveAt(_lines.Count - 1);
        }

        _line = _lines.FindIndex(l => l.TrimStart().StartsWith(variable + "=", StringComparison.Ordinal));
        _quote = "\"";
        _tokens = [];
        if (_line >= 0)
        {
            var value = _lines[_line].TrimStart()[(variable.Length + 1)..].Trim();
            if (value.Length >= 2 && (value[0] is '"' or '\'') && value[^1] == value[0])
            {
                _quote = value[0].ToString();
                value = value[1..^1];
            }
            else
            {
                _quote = "";
            }

            _tokens.AddRange(value.Split(' ', '\t').Where(t => t.Length > 0));
        }
    }

    /// <summary>The node path of the file.</summary>
    public string Path { get; }

    public string Variable { get; }

    /// <summary>The file's text as read; null when it does not exist.</summary>
    public string? Original { get; }

    /// <summary>The 1-based line of the variable, 0 when the file does not set it.</summary>
    public int Line => _line + 1;

    public static KubeletFlagFile Read(NodeFiles files, string path, string variable) => new(path, variable, files.ReadText(path));

    /// <summary>The flag's value (last one wins, as for the kubelet), or null.</summary>
    public string? Get(string name)
    {
        string? value = null;
        for (var i = 0; i < _tokens.Count; i++)
        {
            if (_tokens[i].StartsWith($"--{name}=", StringComparison.Ordinal))
            {
                value = _tokens[i][(name.Length + 3)..];
            }
            else if (_tokens[i] == $"--{name}" && i + 1 < _tokens.Count && !_tokens[i + 1].StartsWith('-'))
            {
                value = _tokens[i + 1];
            }
        }

        return value;
    }

    /// <summary>Sets a flag, replacing every occurrence, or adding it (and the variable) when absent.</summary>
    public void Set(string name, string value)
    {
        if (Get(name) is not null)
        {
            Remove(name, keepFirst: true, replacement: $"--{name}={value}");
            return;
        }

        _tokens.Add($"--{name}={value}");
        if (_line < 0)
        {
            _lines.Add("");
            _line = _lines.Count - 1;
            _quote = "\"";
        }

        Render();
    }

    /// <summary>Removes a flag (both --name=value and --name value forms).</summary>
    public void Remove(string name) => Remove(name, keepFirst: false, replacement: null);

    private void Remove(string name, bool keepFirst, string? replacement)
    {
        var kept = false;
        for (var i = 0; i < _tokens.Count; i++)
        {
            var withValue = _tokens[i] == $"--{name}" && i + 1 < _tokens.Count && !_tokens[i + 1].StartsWith('-');
            if (!_tokens[i].StartsWith($"--{name}=", StringComparison.Ordinal) && !withValue && _tokens[i] != $"--{name}")
            {
                continue;
            }

            if (withValue)
            {
                _tokens.RemoveAt(i + 1);
            }

            if (keepFirst && !kept)
            {
                _tokens[i] = replacement!;
                kept = true;
            }
            else
            {
                _tokens.RemoveAt(i--);
            }
        }

        if (_line >= 0)
        {
            Render();
        }
    }

    /// <summary>The text with the edits made, or the original when nothing changed.</summary>
    public string? Text => _lines.Count == 0 && Original is null ? null : string.Join('\n', _lines) + "\n";

    private void Render()
    {
        var indent = _lines[_line][..(_lines[_line].Length - _lines[_line].TrimStart().Length)];
        _lines[_line] = $"{indent}{Variable}={_quote}{string.Join(' ', _tokens)}{_quote}";
    }
}

/// <summary>
/// The kubelet's configuration file (KubeletConfiguration YAML, <c>/var/lib/kubelet/config.yaml</c> by
/// default): only its top-level scalar keys are read and edited, line by line, so comments and everything
/// else stay as they are.
/// </summary>
public sealed class KubeletConfigFile
{
    private readonly List<string> _lines;

    private KubeletConfigFile(string path, string? text)
    {
        Path = path;
        Original = text;
        _lines = text is null ? [] : [.. text.Split('\n')];
        if (_lines.Count > 0 && _lines[^1].Length == 0)
        {
            _lines.RemoveAt(_lines.Count - 1);
        }
    }

    public string Path { get; }

    public string? Original { get; }

    public static KubeletConfigFile Read(NodeFiles files, string path) => new(path, files.ReadText(path));

    /// <summary>A top-level key's value, unquoted, and its 1-based line; null when absent.</summary>
    public (string Value, int Line)? Get(string key)
    {
        var index = IndexOf(key);
        return index < 0 ? null : (Unquote(_lines[index][(key.Length + 1)..]), index + 1);
    }

    public void Set(string key, string value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            _lines.Add($"{key}: {value}");
        }
        else
        {
            _lines[index] = $"{key}: {value}";
        }
    }

    public string? Text => Original is null && _lines.Count == 0 ? null : string.Join('\n', _lines) + "\n";

    private int IndexOf(string key) => _lines.FindIndex(l => l.StartsWith(key + ":", StringComparison.Ordinal));

    private static string Unquote(string value)
    {
        var hash = value.IndexOf(" #", StringComparison.Ordinal);
        value = (hash >= 0 ? value[..hash] : value).Trim();
        return value.Length >= 2 && (value[0] is '"' or '\'') && value[^1] == value[0] ? value[1..^1] : value;
    }
}
