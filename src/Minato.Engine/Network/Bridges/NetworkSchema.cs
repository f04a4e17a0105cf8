using Minato.Engine.Store;

namespace Minato.Engine.Network.Bridges;

/// <summary>The bridge networks' tables: the network definitions and the endpoints of containers on them.</summary>
public static class NetworkSchema
{
    /// <summary>The <c>network</c> module; pass it to <see cref="MetadataStore.Open"/>.</summary>
    public static readonly SchemaModule Module = new(
        "network",
        [
            """
            CREATE TABLE networks (
                id         TEXT PRIMARY KEY NOT NULL,
                name_key   TEXT NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                document   TEXT NOT NULL
            ) STRICT;
            CREATE TABLE network_endpoints (
                id           TEXT PRIMARY KEY NOT NULL,
                container_id TEXT NOT NULL,
                network_id   TEXT NOT NULL REFERENCES networks (id),
                document     TEXT NOT NULL
            ) STRICT;
            CREATE INDEX network_endpoints_by_container ON network_endpoints (container_id);
            CREATE INDEX network_endpoints_by_network ON network_endpoints (network_id);
            """,
        ]);
}

/// <summary>The stored bridge networks.</summary>
public sealed class NetworkTable : DocumentTable<BridgeNetwork>
{
    private static readonly DocumentSchema<BridgeNetwork> Schema = new(
        "networks",
        "network",
        BridgeJsonContext.Default.BridgeNetwork,
        n => n.Id,
        n => n.Name,
        n => [new("name_key", n.Name), new("created_at", n.Created.ToUnixTimeMilliseconds())]);

    private NetworkTable(MetadataStore store)
        : base(store, Schema)
    {
    }

    public static NetworkTable Load(MetadataStore store) => new(store);
}

/// <summary>The stored endpoints.</summary>
public sealed class EndpointTable : DocumentTable<NetworkEndpoint>
{
    private static readonly DocumentSchema<NetworkEndpoint> Schema = new(
        "network_endpoints",
        "endpoint",
        BridgeJsonContext.Default.NetworkEndpoint,
        e => e.Id,
        NameKey: null,
        e => [new("container_id", e.ContainerId), new("network_id", e.NetworkId)]);

    private EndpointTable(MetadataStore store)
        : base(store, Schema)
    {
    }

    public static EndpointTable Load(MetadataStore store) => new(store);
}
