using Minato.Engine.Images;

namespace Minato.Docker.Images;

/// <summary>Image names as Docker shows them: Docker Hub's <c>docker.io/library/</c> left out, others as stored.</summary>
public static class DockerNames
{
    private const string HubPrefix = ImageReference.DockerHub + "/";

    /// <summary>
    /// The familiar form of a stored name: <c>docker.io/library/busybox:latest</c> is <c>busybox:latest</c>,
    /// <c>docker.io/user/app:v1</c> is <c>user/app:v1</c>, <c>127.0.0.1:5000/app:v1</c> stays as it is.
    /// </summary>
    public static string Familiar(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.StartsWith(HubPrefix, StringComparison.Ordinal))
        {
            return name;
        }

        var rest = name[HubPrefix.Length..];
        return rest.StartsWith("library/", StringComparison.Ordinal) && rest.IndexOf('/', "library/".Length) < 0
            ? rest["library/".Length..]
            : rest;
    }

    /// <summary>The repository part of a familiar name (<c>busybox</c> of <c>busybox:latest</c> or <c>busybox@sha256:...</c>).</summary>
    public static string Repository(string familiar)
    {
        ArgumentNullException.ThrowIfNull(familiar);
        var at = familiar.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? familiar : familiar[..at];
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[..colon] : name;
    }
}
