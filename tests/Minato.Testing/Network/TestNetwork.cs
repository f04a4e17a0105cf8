using System.Net;

namespace Minato.Testing.Network;

/// <summary>
/// A CNI configuration directory with a bridge network of its own (unique bridge name, subnet and host-local
/// data dir), so concurrent tests never share addresses; disposing deletes the bridge and the files.
/// </summary>
public sealed class TestNetwork : IAsyncDisposable
{
    private static int _counter;

    private TestNetwork(string directory, string bridge, int octet)
    {
        Directory = directory;
        Bridge = bridge;
        Subnet = $"10.234.{octet}.0/24";
        Gateway = IPAddress.Parse($"10.234.{octet}.1");
    }

    /// <summary>The directory holding <c>net.d/</c> (pass to --cni-config-dir) and the IPAM data.</summary>
    public string Directory { get; }

    public string ConfigDir => Path.Combine(Directory, "net.d");

    /// <summary>host-local's dataDir: one file per allocated address.</summary>
    public string IpamDir => Path.Combine(Directory, "ipam");

    public string Bridge { get; }

    public string Subnet { get; }

    public IPAddress Gateway { get; }

    /// <summary>The network name in the conflist.</summary>
    public string Name => "minato-" + Bridge;

    /// <summary>Creates a bridge + host-local + portmap network; <paramref name="extraPlugins"/> are appended as JSON objects.</summary>
    public static TestNetwork Create(params string[] extraPlugins)
    {
        var n = Interlocked.Increment(ref _counter);
        var octet = (Environment.ProcessId * 7 + n * 13) % 200 + 20;
        var bridge = $"mit{Environment.ProcessId % 10000:x4}{n:x2}";
        var directory = System.IO.Directory.CreateTempSubdirectory("minato-cni-").FullName;
        var network = new TestNetwork(directory, bridge, octet);
        System.IO.Directory.CreateDirectory(network.ConfigDir);
        var plugins = new List<string>
        {
            "{\"type\":\"bridge\",\"bridge\":\"" + bridge + "\",\"isGateway\":true,\"ipMasq\":false,\"ipam\":{\"type\":\"host-local\"," +
                "\"ranges\":[[{\"subnet\":\"" + network.Subnet + "\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dataDir\":\"" + network.IpamDir + "\"}}",
            """{"type":"portmap","capabilities":{"portMappings":true}}""",
        };
        plugins.AddRange(extraPlugins);
        File.WriteAllText(Path.Combine(network.ConfigDir, "10-test.conflist"),
            $$"""{"cniVersion":"1.0.0","name":"{{network.Name}}","plugins":[{{string.Join(",", plugins)}}]}""");
        return network;
    }

    /// <summary>Addresses host-local currently has allocated (its data dir holds one file per address).</summary>
    public IReadOnlyList<string> AllocatedAddresses()
    {
        var dir = Path.Combine(IpamDir, Name);
        return System.IO.Directory.Exists(dir)
            ? System.IO.Directory.GetFiles(dir).Select(Path.GetFileName).Where(f => IPAddress.TryParse(f, out _)).Select(f => f!).ToList()
            : [];
    }

    public async ValueTask DisposeAsync()
    {
        await CommandResult.RunAsync("ip", ["link", "delete", Bridge], TimeSpan.FromSeconds(30));
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
