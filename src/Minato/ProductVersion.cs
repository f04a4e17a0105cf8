using System.Reflection;

namespace Minato;

/// <summary>The version of this build, as reported by Version and <c>minato version</c>.</summary>
internal static class ProductVersion
{
    /// <summary>Semantic version without build metadata (e.g. "0.1.0").</summary>
    public static string Value { get; } = Read();

    private static string Read()
    {
        var informational = typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational?.Split('+')[0] ?? "0.0.0";
    }
}
