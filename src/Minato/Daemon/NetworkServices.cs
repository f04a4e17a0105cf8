using Microsoft.Extensions.DependencyInjection;
using Minato.Configuration;
using Minato.Engine.Network;
using Minato.Engine.Network.Bridges;
using Minato.Engine.Store;

namespace Minato.Daemon;

/// <summary>Registers the engine's bridge networks (the Docker door's <c>bridge</c> and user-defined networks).</summary>
internal static class NetworkServices
{
    /// <summary>Adds the network and endpoint tables and <see cref="BridgeNetworks"/>, with its files under root and state.</summary>
    public static IServiceCollection AddBridgeNetworks(this IServiceCollection services, MinatoConfig config) => services
        .AddSingleton(sp => NetworkTable.Load(sp.GetRequiredService<MetadataStore>()))
        .AddSingleton(sp => EndpointTable.Load(sp.GetRequiredService<MetadataStore>()))
        .AddSingleton(new BridgeNetworkOptions
        {
            Root = Path.Combine(config.Root, "networks"),
            State = Path.Combine(config.State, "networks"),
            DefaultBridge = config.DockerApi.BridgeName,
            DefaultSubnet = config.DockerApi.BridgeSubnet,
            Pool = config.DockerApi.NetworkPool,
        })
        .AddSingleton<IPacketFilter, Iptables>()
        .AddSingleton<BridgeFirewall>()
        .AddSingleton<BridgeNetworks>();
}
