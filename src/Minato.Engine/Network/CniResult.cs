using System.Net;
using System.Text.Json;

namespace Minato.Engine.Network;

/// <summary>One address a plugin assigned.</summary>
/// <param name="Address">The address without its prefix length.</param>
/// <param name="PrefixLength">The subnet's prefix length.</param>
/// <param name="Gateway">The gateway, when the plugin set one.</param>
/// <param name="InterfaceName">The interface it sits on, when the result says so.</param>
public sealed record CniIpConfig(IPAddress Address, int PrefixLength, IPAddress? Gateway, string? InterfaceName);

/// <summary>A parsed CNI ADD result (spec versions 0.3.0 to 1.1.0), with the raw JSON kept for prevResult.</summary>
public sealed record CniResult(string CniVersion, IReadOnlyList<CniIpConfig> Ips, string Raw)
{
    /// <summary>The addresses, IPv4 first, as the kubelet expects the primary pod IP.</summary>
    public IReadOnlyList<IPAddress> Addresses =>
        Ips.Select(i => i.Address).OrderBy(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 0 : 1).ToList();

    /// <summary>Parses a result document; only what is well formed is believed.</summary>
    /// <exception cref="CniException">The document is not a CNI result.</exception>
    public static CniResult Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CniException("CNI result is not a JSON object");
            }

            var version = root.TryGetProperty("cniVersion", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;
            var interfaces = new List<string?>();
            if (root.TryGetProperty("interfaces", out var ifs) && ifs.ValueKind == JsonValueKind.Array)
            {
                interfaces.AddRange(ifs.EnumerateArray().Select(i =>
                    i.ValueKind == JsonValueKind.Object && i.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null));
            }

            var ips = new List<CniIpConfig>();
            if (root.TryGetProperty("ips", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var ip in list.EnumerateArray())
                {
                    ips.Add(ParseIp(ip, interfaces));
                }
            }

            return new CniResult(version, ips, System.Text.Encoding.UTF8.GetString(json));
        }
        catch (JsonException e)
        {
            throw new CniException($"CNI result is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // A string that is not valid UTF-8: JsonDocument only finds out when it is read.
            throw new CniException($"CNI result is not valid JSON: {e.Message}", e);
        }
    }

    private static CniIpConfig ParseIp(JsonElement ip, List<string?> interfaces)
    {
        if (ip.ValueKind != JsonValueKind.Object)
        {
            throw new CniException($"CNI result has an ips entry that is a {ip.ValueKind}, not an object");
        }

        var address = ip.TryGetProperty("address", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : string.Empty;
        var slash = address.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(address.AsSpan(0, slash), out var parsed) ||
            !int.TryParse(address.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix) ||
            prefix > (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128))
        {
            throw new CniException($"CNI result has an invalid address \"{address}\"");
        }

        var gateway = ip.TryGetProperty("gateway", out var g) && g.ValueKind == JsonValueKind.String && IPAddress.TryParse(g.GetString(), out var gw) ? gw : null;
        string? interfaceName = null;
        if (ip.TryGetProperty("interface", out var index) && index.ValueKind == JsonValueKind.Number &&
            index.TryGetInt32(out var i) && i >= 0 && i < interfaces.Count)
        {
            interfaceName = interfaces[i];
        }

        return new CniIpConfig(parsed, prefix, gateway, interfaceName);
    }
}
