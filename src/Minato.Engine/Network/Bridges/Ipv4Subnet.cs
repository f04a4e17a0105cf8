using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Minato.Engine.Errors;

namespace Minato.Engine.Network.Bridges;

/// <summary>An IPv4 network in CIDR form, as 32-bit numbers so overlaps and allocation are plain arithmetic.</summary>
public readonly record struct Ipv4Subnet(uint Network, int PrefixLength)
{
    public uint Mask => PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);

    /// <summary>The last address of the subnet.</summary>
    public uint Last => Network | ~Mask;

    /// <summary>Parses <c>a.b.c.d/n</c>; the address must be the network's first (no host bits set).</summary>
    /// <exception cref="InvalidInputException">Names <paramref name="field"/> and what is wrong.</exception>
    public static Ipv4Subnet Parse(string text, string field)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address) || address.AddressFamily != AddressFamily.InterNetwork ||
            !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix is < 1 or > 30)
        {
            throw new InvalidInputException($"{field} \"{text}\" is not an IPv4 CIDR such as 10.81.0.0/24 (prefix 1 to 30)");
        }

        var subnet = new Ipv4Subnet(0, prefix);
        var value = ToNumber(address);
        if ((value & subnet.Mask) != value)
        {
            throw new InvalidInputException($"{field} \"{text}\" has host bits set; did you mean {ToAddress(value & subnet.Mask)}/{prefix}?");
        }

        return subnet with { Network = value };
    }

    /// <summary>Parses a single IPv4 address.</summary>
    /// <exception cref="InvalidInputException">Names <paramref name="field"/>.</exception>
    public static uint ParseAddress(string text, string field) =>
        IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') == 3
            ? ToNumber(address)
            : throw new InvalidInputException($"{field} \"{text}\" is not an IPv4 address");

    public bool Contains(uint address) => (address & Mask) == Network;

    /// <summary>True when <paramref name="other"/> lies entirely within this subnet.</summary>
    public bool Contains(Ipv4Subnet other) => other.PrefixLength >= PrefixLength && Contains(other.Network);

    public bool Overlaps(Ipv4Subnet other) => Contains(other.Network) || other.Contains(Network);

    public static uint ToNumber(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    public static IPAddress ToAddress(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    public override string ToString() => $"{ToAddress(Network)}/{PrefixLength}";
}

/// <summary>Finds free subnets in a pool, skipping those in use by Minato's networks or routed on the host.</summary>
public static class SubnetPool
{
    /// <summary>The first <paramref name="prefixLength"/>-sized subnet of <paramref name="pool"/> that overlaps none of <paramref name="taken"/>.</summary>
    public static Ipv4Subnet? NextFree(Ipv4Subnet pool, int prefixLength, IReadOnlyCollection<Ipv4Subnet> taken)
    {
        if (prefixLength < pool.PrefixLength || prefixLength > 30)
        {
            return null;
        }

        var step = 1UL << (32 - prefixLength);
        for (ulong network = pool.Network; network <= pool.Last; network += step)
        {
            var candidate = new Ipv4Subnet((uint)network, prefixLength);
            if (!taken.Any(candidate.Overlaps))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The destinations of the host's IPv4 routes other than default routes, from <c>/proc/net/route</c> text.</summary>
    public static IReadOnlyList<Ipv4Subnet> ParseRoutes(string procNetRoute)
    {
        var routes = new List<Ipv4Subnet>();
        foreach (var line in procNetRoute.Split('\n').Skip(1))
        {
            var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length < 8 ||
                !uint.TryParse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var destination) ||
                !uint.TryParse(fields[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask) || mask == 0)
            {
                continue;
            }

            // The kernel prints them in host (little-endian) byte order.
            var network = BinaryPrimitives.ReverseEndianness(destination);
            var prefix = System.Numerics.BitOperations.PopCount(BinaryPrimitives.ReverseEndianness(mask));
            routes.Add(new Ipv4Subnet(network & new Ipv4Subnet(0, prefix).Mask, prefix));
        }

        return routes;
    }

    /// <summary>The host's routes now; empty when they cannot be read.</summary>
    public static IReadOnlyList<Ipv4Subnet> HostRoutes()
    {
        try
        {
            return ParseRoutes(File.ReadAllText("/proc/net/route"));
        }
        catch (IOException)
        {
            return [];
        }
    }
}
