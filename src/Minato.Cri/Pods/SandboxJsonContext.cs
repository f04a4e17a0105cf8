using System.Text.Json.Serialization;

namespace Minato.Cri.Pods;

/// <summary>Source-generated JSON for the sandbox documents kept in the metadata store.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PodSandbox))]
internal sealed partial class SandboxJsonContext : JsonSerializerContext;
