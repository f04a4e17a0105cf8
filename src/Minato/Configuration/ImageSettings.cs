using Minato.Engine.Images.Pull;

namespace Minato.Configuration;

/// <summary>Image keys of <c>minato.toml</c>: registries, credentials, the sandbox image and pull limits.</summary>
public sealed record ImageSettings
{
    /// <summary>registries.conf (v2) path; empty means the first of <see cref="RegistriesConfigLoader.DefaultPaths"/> that exists.</summary>
    public string RegistriesConfig { get; init; } = "";

    /// <summary>A containers-auth.json / Docker config.json with registry credentials; empty for none.</summary>
    public string RegistryAuthFile { get; init; } = "";

    /// <summary>The pod sandbox (pause) image; reported as pinned so the kubelet never collects it.</summary>
    public string SandboxImage { get; init; } = "";

    /// <summary>Pull limits and timeouts.</summary>
    public ImageOptions Pull { get; init; } = new();
}
