using System.Globalization;
using System.Text;
using Minato.Engine.Network;

namespace Minato.Cri.Network;

/// <summary>
/// A CNI network list with placeholders for the node's pod CIDRs, the operator's <c>cni_config_template</c>: the idea
/// of containerd's <c>conf_template</c>, and the same template files work.
/// </summary>
/// <remarks>
/// containerd runs these files through Go's text/template with the data <c>.PodCIDR</c> (the first CIDR),
/// <c>.PodCIDRRanges</c> (all of them) and <c>.Routes</c> (<c>0.0.0.0/0</c> and/or <c>::/0</c>, one per family present).
/// This is deliberately not a Go template engine: it understands exactly the forms such templates use —
/// <c>{{.PodCIDR}}</c>; <c>{{range $i, $r := .PodCIDRRanges}}</c>, <c>{{range $r := .Routes}}</c> or
/// <c>{{range .Routes}}</c> up to <c>{{end}}</c>, printing <c>{{$r}}</c> or <c>{{.}}</c>, with <c>{{if $i}},{{end}}</c>
/// between items; <c>{{$.PodCIDR}}</c>; comments <c>{{/* ... */}}</c>; and the <c>{{-</c> / <c>-}}</c> whitespace
/// trimming — and refuses anything else with the template's name, line and the construct, so a template never means
/// something different here than it would in containerd. Inserted values are parsed CIDRs (<see cref="PodCidr"/>), so
/// they cannot break out of a JSON string.
/// </remarks>
public sealed partial class CniConfigTemplate
{
    /// <summary>Largest template read; a conflist template is about 1 KiB.</summary>
    public const int MaxSize = 64 * 1024;

    private readonly IReadOnlyList<Node> _nodes;

    private CniConfigTemplate(string name, IReadOnlyList<Node> nodes)
    {
        Name = name;
        _nodes = nodes;
    }

    /// <summary>Where the template came from, as its messages name it.</summary>
    public string Name { get; }

    /// <summary>Reads and parses the template file at <paramref name="path"/>.</summary>
    /// <exception cref="FormatException">The file is missing, too large, not UTF-8, or uses a construct Minato does not support.</exception>
    public static CniConfigTemplate Load(string path)
    {
        byte[] bytes;
        try
        {
            using var file = File.OpenHandle(path);
            var length = RandomAccess.GetLength(file);
            if (length > MaxSize)
            {
                throw new FormatException($"CNI config template {path} is larger than {MaxSize} bytes");
            }

            bytes = new byte[length];
            var read = RandomAccess.Read(file, bytes, 0);
            if (read != length)
            {
                throw new FormatException($"CNI config template {path} changed while it was read");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"cannot read CNI config template {path}: {e.Message}", e);
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException($"CNI config template {path} is not UTF-8 text", e);
        }

        return Parse(path, text);
    }

    /// <summary>
    /// Renders the template for <paramref name="cidrs"/> and checks that the result is a CNI network list, so a bad
    /// template never reaches the CNI config directory.
    /// </summary>
    /// <param name="cidrs">The node's pod CIDRs, at least one.</param>
    /// <exception cref="FormatException">The output is not valid JSON or not a usable network list.</exception>
    public byte[] Render(IReadOnlyList<PodCidr> cidrs)
    {
        ArgumentOutOfRangeException.ThrowIfZero(cidrs.Count);
        var data = new Data(cidrs[0].ToString(), cidrs.Select(c => c.ToString()).ToList(), PodCidr.DefaultRoutes(cidrs));
        var output = new StringBuilder();
        Write(_nodes, data, element: null, output);
        var bytes = Encoding.UTF8.GetBytes(output.ToString());
        if (bytes.Length > CniNetworkList.MaxFileSize)
        {
            throw new FormatException($"CNI config template {Name} renders to more than {CniNetworkList.MaxFileSize} bytes");
        }

        try
        {
            CniNetworkList.Parse(Name, bytes);
        }
        catch (FormatException e)
        {
            throw new FormatException($"CNI config template {Name} does not render to a CNI network list: {e.Message}", e);
        }

        return bytes;
    }

    /// <summary>
    /// Renders for an IPv4, an IPv6 and a dual-stack node (documentation ranges), so a template whose output is not a
    /// network list is found when the configuration is loaded, not at the kubelet's first call.
    /// </summary>
    /// <exception cref="FormatException">One of the renderings is not a network list; the message names the CIDRs used.</exception>
    public void Check()
    {
        foreach (var sample in new[] { "192.0.2.0/24", "2001:db8::/64", "192.0.2.0/24,2001:db8::/64" })
        {
            try
            {
                Render(PodCidr.ParseList(sample));
            }
            catch (FormatException e)
            {
                throw new FormatException($"{e.Message} (checked with pod CIDRs {sample})", e);
            }
        }
    }

    private static void Write(IReadOnlyList<Node> nodes, Data data, Element? element, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case ValueNode value:
                    output.Append(value.Source switch
                    {
                        ValueSource.PodCidr => data.PodCidr,
                        ValueSource.Index => element!.Index.ToString(CultureInfo.InvariantCulture),
                        _ => element!.Value,
                    });
                    break;
                case RangeNode range:
                    var list = range.List == ListField.PodCidrRanges ? data.PodCidrRanges : data.Routes;
                    for (var i = 0; i < list.Count; i++)
                    {
                        Write(range.Body, data, new Element(i, list[i]), output);
                    }

                    break;
                case IfNode condition:
                    // Go's truth: a non-zero index, a non-empty string.
                    if (condition.Source == ValueSource.Index ? element!.Index != 0 : element!.Value.Length > 0)
                    {
                        Write(condition.Body, data, element, output);
                    }

                    break;
            }
        }
    }

    /// <summary>The template's data, named as in containerd.</summary>
    private sealed record Data(string PodCidr, IReadOnlyList<string> PodCidrRanges, IReadOnlyList<string> Routes);

    /// <summary>The item a range is at.</summary>
    private sealed record Element(int Index, string Value);

    private abstract record Node;

    private sealed record TextNode(string Text) : Node;

    private sealed record ValueNode(ValueSource Source) : Node;

    private sealed record RangeNode(ListField List, string? IndexVariable, string? ElementVariable, List<Node> Body) : Node;

    private sealed record IfNode(ValueSource Source, List<Node> Body) : Node;

    private enum ValueSource
    {
        PodCidr,
        Index,
        Element,
    }

    private enum ListField
    {
        PodCidrRanges,
        Routes,
    }
}
