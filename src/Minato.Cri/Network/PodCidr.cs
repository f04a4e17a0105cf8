using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Minato.Engine.Errors;

namespace Minato.Cri.Network;

/// <summary>One of the node's pod CIDRs, as the kubelet hands them over in UpdateRuntimeConfig.</summary>
/// <remarks>
/// Only a parsed value exists: the address is a network address (no host bits) and <see cref="ToString"/> is its
/// canonical text, made of digits, hex letters, <c>.</c>, <c>:</c> and <c>/</c> only, so it can be put into a CNI
/// configuration without any escaping.
/// </remarks>
public sealed record PodCidr
{
    /// <summary>The CRI field the value comes from, as messages name it.</summary>
    public const string Field = "runtime_config.network_config.pod_cidr";

    /// <summary>Most CIDRs in one value; Kubernetes gives a node one per address family.</summary>
    public const int MaxCount = 8;

    /// <summary>Longest value accepted; two dual-stack CIDRs are under 60 characters.</summary>
    public const int MaxLength = 512;

    private PodCidr(IPAddress network, int prefixLength)
    {
        Network = network;
        PrefixLength = prefixLength;
    }

    /// <summary>The network address.</summary>
    public IPAddress Network { get; }

    /// <summary>The prefix length: 0 to 32 for IPv4, 0 to 128 for IPv6.</summary>
    public int PrefixLength { get; }

    /// <summary>True for an IPv6 range.</summary>
    public bool IsIPv6 => Network.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>
    /// Parses the kubelet's comma-separated list (<c>10.244.1.0/24,fd00:10:244:1::/64</c>), keeping its order (the
    /// first is the primary family). Blanks around each entry are ignored; an empty value is an empty list, which
    /// means the kubelet has no CIDR to give.
    /// </summary>
    /// <remarks>
    /// Stricter than Go's <c>net.ParseCIDR</c> in one respect, on purpose: an address with host bits set
    /// (<c>10.244.1.5/24</c>) is refused rather than silently truncated, because host-local IPAM refuses such a subnet
    /// and the mistake would otherwise surface only when the first pod fails to get an address.
    /// </remarks>
    /// <exception cref="InvalidInputException">An entry is not a CIDR; the message names it and says why.</exception>
    public static IReadOnlyList<PodCidr> ParseList(string value)
    {
        if (value.Length > MaxLength)
        {
            throw new InvalidInputException($"{Field} is longer than {MaxLength} characters");
        }

        if (value.Trim().Length == 0)
        {
            return [];
        }

        var entries = value.Split(',');
        if (entries.Length > MaxCount)
        {
            throw new InvalidInputException($"{Field} \"{value}\" lists {entries.Length} CIDRs; at most {MaxCount} are accepted");
        }

        var cidrs = new List<PodCidr>(entries.Length);
        foreach (var entry in entries)
        {
            var cidr = Parse(entry.Trim(' ', '\t'), value);
            if (cidrs.Contains(cidr))
            {
                throw new InvalidInputException($"{Field} \"{value}\" lists {cidr} twice");
            }

            cidrs.Add(cidr);
        }

        return cidrs;
    }

    /// <summary>The default route of each address family present, IPv4 first, as containerd's template data has them.</summary>
    public static IReadOnlyList<string> DefaultRoutes(IEnumerable<PodCidr> cidrs)
    {
        var list = cidrs.ToList();
        var routes = new List<string>(2);
        if (list.Any(c => !c.IsIPv6))
        {
            routes.Add("0.0.0.0/0");
        }

        if (list.Any(c => c.IsIPv6))
        {
            routes.Add("::/0");
        }

        return routes;
    }

    /// <summary>The canonical CIDR text: <c>10.244.1.0/24</c>, <c>fd00:10:244:1::/64</c>.</summary>
    public override string ToString() => Network + "/" + PrefixLength.ToString(CultureInfo.InvariantCulture);

    public bool Equals(PodCidr? other) => other is not null && PrefixLength == other.PrefixLength && Network.Equals(other.Network);

    public override int GetHashCode() => HashCode.Combine(Network, PrefixLength);

    private static PodCidr Parse(string entry, string value)
    {
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (entry.Length == 0)
        {
            throw new InvalidInputException($"{Field} \"{value}\" has an empty entry");
        }

        if (slash <= 0 || slash != entry.LastIndexOf('/'))
        {
            throw Invalid(entry, "is not a CIDR (address/prefix-length)");
        }

        var address = ParseAddress(entry[..slash]) ?? throw Invalid(entry, "does not start with an IPv4 or IPv6 address");
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = entry[(slash + 1)..];
        var length = prefix.Length is > 0 and <= 3 && prefix.All(char.IsAsciiDigit) && (prefix.Length == 1 || prefix[0] != '0')
            ? int.Parse(prefix, CultureInfo.InvariantCulture)
            : -1;
        if (length < 0 || length > bits)
        {
            throw Invalid(entry, $"has a prefix length that is not a number from 0 to {bits}");
        }

        var network = Mask(address, length);
        if (!network.Equals(address))
        {
            throw Invalid(entry, $"has host bits set (the network is {network}/{length})");
        }

        return new PodCidr(network, length);
    }

    /// <summary>
    /// Dotted-quad IPv4 exactly as written canonically (no leading zeros, no inet_aton short or hex forms, which
    /// <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> would accept), or IPv6 without a zone.
    /// </summary>
    private static IPAddress? ParseAddress(string text)
    {
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return text.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.') &&
                IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 && v6.ScopeId == 0
                ? v6
                : null;
        }

        return text.All(c => char.IsAsciiDigit(c) || c == '.') && IPAddress.TryParse(text, out var v4) &&
            v4.AddressFamily == AddressFamily.InterNetwork && v4.ToString() == text
            ? v4
            : null;
    }

    private static IPAddress Mask(IPAddress address, int length)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(length - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }

    private static InvalidInputException Invalid(string entry, string problem) =>
        new($"{Field} entry \"{entry}\" {problem}");
}
