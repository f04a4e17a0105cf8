using System.Text.Json.Serialization;
using Minato.Docker.Daemon;

namespace Minato.Docker.Http;

/// <summary>Source-generated JSON for every Docker shape; property names are the C# names, as Docker spells them.</summary>
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(InfoResponse))]
[JsonSerializable(typeof(DiskUsageResponse))]
public sealed partial class DockerJson : JsonSerializerContext;
