namespace Minato.Bench.Cri.Hosting;

/// <summary>The pod network both runtimes use: one conflist in a config dir of the bench's own, a bridge and a subnet no
/// one else on the machine uses, and host-local's allocations kept in the bench's temp dir.</summary>
public sealed record BenchNetwork(string ConfigDirectory, string PluginDirectory)
{
    public const string BridgeName = "mnbench0";
    public const string Subnet = "10.234.96.0/20";
    public const string DefaultPluginDirectory = "/usr/lib/cni";

    /// <summary>Writes the conflist under <paramref name="directory"/>.</summary>
    public static BenchNetwork Write(string directory, string pluginDirectory = DefaultPluginDirectory)
    {
        var config = Path.Combine(directory, "net.d");
        var ipam = Path.Combine(directory, "ipam");
        Directory.CreateDirectory(config);
        Directory.CreateDirectory(ipam);

        // cniVersion 1.0.0: the newest containerd 1.6's libcni and Debian's plugins (1.1) both speak.
        File.WriteAllText(Path.Combine(config, "10-minato-bench.conflist"), $$"""
            {
              "cniVersion": "1.0.0",
              "name": "minato-bench",
              "plugins": [
                {
                  "type": "bridge",
                  "bridge": "{{BridgeName}}",
                  "isGateway": true,
                  "ipMasq": false,
                  "hairpinMode": true,
                  "ipam": {
                    "type": "host-local",
                    "dataDir": "{{ipam}}",
                    "ranges": [[{ "subnet": "{{Subnet}}" }]],
                    "routes": [{ "dst": "0.0.0.0/0" }]
                  }
                },
                { "type": "portmap", "capabilities": { "portMappings": true } }
              ]
            }
            """);
        return new BenchNetwork(config, pluginDirectory);
    }
}
