using System.Text.Json.Serialization;
using Minato.Docker.Containers;
using Minato.Docker.Daemon;
using Minato.Docker.Events;
using Minato.Docker.Exec;
using Minato.Docker.Images;
using Minato.Docker.Volumes;

namespace Minato.Docker.Http;

/// <summary>Source-generated JSON for every Docker shape; property names are the C# names, as Docker spells them.</summary>
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(InfoResponse))]
[JsonSerializable(typeof(DiskUsageResponse))]
[JsonSerializable(typeof(List<ImageSummary>))]
[JsonSerializable(typeof(ImageInspect))]
[JsonSerializable(typeof(List<HistoryItem>))]
[JsonSerializable(typeof(List<DeleteItem>))]
[JsonSerializable(typeof(ProgressMessage))]
[JsonSerializable(typeof(PushAuxMessage))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(CommitResponse))]
[JsonSerializable(typeof(PruneResponse))]
[JsonSerializable(typeof(RegistryAuthConfig))]
[JsonSerializable(typeof(Volume))]
[JsonSerializable(typeof(DockerEvent))]
[JsonSerializable(typeof(AuthResponse))]
[JsonSerializable(typeof(VolumeListResponse))]
[JsonSerializable(typeof(VolumeCreateRequest))]
[JsonSerializable(typeof(VolumePruneResponse))]
[JsonSerializable(typeof(ContainerCreateRequest))]
[JsonSerializable(typeof(ContainerCreateResponse))]
[JsonSerializable(typeof(WaitResponse))]
[JsonSerializable(typeof(ContainerPruneResponse))]
[JsonSerializable(typeof(TopResponse))]
[JsonSerializable(typeof(List<ContainerSummary>))]
[JsonSerializable(typeof(ContainerInspect))]
[JsonSerializable(typeof(ExecCreateRequest))]
[JsonSerializable(typeof(ExecStartRequest))]
[JsonSerializable(typeof(ExecCreateResponse))]
[JsonSerializable(typeof(ExecInspect))]
public sealed partial class DockerJson : JsonSerializerContext;
