using System.Reflection;

namespace Minato.Docker;

/// <summary>The Minato version this build reports as the Docker engine's version.</summary>
internal static class ProductInfo
{
    /// <summary>Semantic version without build metadata (e.g. "0.1.0").</summary>
    public static string Version { get; } =
        typeof(ProductInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
