using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;
using Minato.Engine.Containers;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Linux;

namespace Minato.Docker.Containers;

/// <summary><c>/containers/{id}/archive</c> (<c>docker cp</c>) and <c>/containers/{id}/export</c>: the container's rootfs
/// read and written as tar through the engine's confined file access; what comes in goes through the layer unpacker,
/// with whiteouts off and the same bounds.</summary>
public sealed partial class ContainerRoutes
{
    private const string PathStatHeader = "X-Docker-Container-Path-Stat";

    /// <summary>The bounds of one copy into a container.</summary>
    private static readonly UnpackLimits CopyLimits = new() { MaxBytes = MaxArchiveBody, MaxEntries = 1_000_000 };

    private async Task ArchiveHeadAsync(DockerRequest request)
    {
        var container = Container(request);
        using var root = OpenTree(container);
        var (_, info) = Find(root, container, ArchivePath(request));
        request.Http.Response.Headers[PathStatHeader] = PathStat(info);
        await request.WriteStatusAsync(StatusCodes.Status200OK);
    }

    private async Task ArchiveGetAsync(DockerRequest request)
    {
        var container = Container(request);
        var path = ArchivePath(request);
        using var root = OpenTree(container);
        var (resolved, info) = Find(root, container, path);
        request.Http.Response.Headers[PathStatHeader] = PathStat(info);
        request.Http.Response.ContentType = "application/x-tar";

        // "dir/." asks for the directory's contents, which the client names from "."; the root has no other name.
        var rebase = ContainerFiles.FollowsLast(path) && path.EndsWith('.') || resolved.Length == 0 ? "." : info.Name;
        await request.Http.Response.StartAsync(request.Aborted);
        await ContainerFiles.WriteTarAsync(root, resolved, rebase, request.Http.Response.Body, request.Aborted);
    }

    private async Task ArchivePutAsync(DockerRequest request)
    {
        var container = Container(request);
        var path = ArchivePath(request);
        if (container.HostConfig.ReadonlyRootfs)
        {
            throw DockerApiException.BadRequest("container rootfs is marked read-only");
        }

        using var root = OpenTree(container);
        var resolved = ContainerFiles.Resolve(root, path, followLast: true);
        var status = root.GetStatus(resolved) ?? throw DockerApiException.NotFound($"Could not find the file {path} in container {container.ShortName}");
        if (!status.IsDirectory)
        {
            throw DockerApiException.BadRequest("extraction point is not a directory");
        }

        var options = new UnpackOptions
        {
            Whiteouts = false,

            // dockerd: without copyUIDGID everything belongs to the container's root.
            Owner = request.QueryBool("copyUIDGID") ? null : (0u, 0u),
            KeepKinds = request.QueryBool("noOverwriteDirNonDir"),
        };
        try
        {
            await ContainerFiles.ExtractAsync(root, resolved, request.Http.Request.Body, options, CopyLimits, request.Aborted);
        }
        catch (Exception e) when (e is UnsafeLayerException or SizeLimitExceededException or Engine.Images.MalformedLayerException or InvalidDataException)
        {
            throw DockerApiException.BadRequest($"Error processing tar file: {e.Message}");
        }

        await request.WriteStatusAsync(StatusCodes.Status200OK);
    }

    private async Task ExportAsync(DockerRequest request)
    {
        var container = Container(request);
        // Like dockerd's export: the rootfs without the volumes and bind mounts over it.
        using var root = ContainerTree.RootfsOnly(engine.OpenRootfs(container.Id));
        request.Http.Response.ContentType = "application/x-tar";
        await request.Http.Response.StartAsync(request.Aborted);
        await ContainerFiles.WriteTarAsync(root, string.Empty, string.Empty, request.Http.Response.Body, request.Aborted);
    }

    private async Task ChangesAsync(DockerRequest request)
    {
        var container = Container(request);
        var changes = engine.Changes(container.Id).Select(c => new ContainerChangeItem(c.Path, (int)c.Kind)).ToList();
        await request.WriteJsonAsync(changes, ContainerDataJson.Default.ListContainerChangeItem);
    }

    private static string ArchivePath(DockerRequest request) =>
        request.Query("path") is { Length: > 0 } path ? path : throw DockerApiException.BadRequest("Bad parameter: path: must not be empty");

    /// <summary>The container's files as its processes see them: the rootfs with its volumes and directory bind mounts.</summary>
    private ContainerTree OpenTree(DockerContainer container)
    {
        var mounts = DockerMounts.Build(container)
            .Where(m => m.Type == "bind" && m.Source is { Length: > 0 })
            .Select(m => new TreeMount(m.Destination.Trim('/'), m.Source!, m.Options?.Contains("ro") == true))
            .ToList();
        return ContainerTree.Open(engine.OpenRootfs(container.Id), mounts);
    }

    private static (string Resolved, ContainerPathInfo Info) Find(ContainerTree root, DockerContainer container, string path)
    {
        var resolved = ContainerFiles.Resolve(root, path, ContainerFiles.FollowsLast(path));
        return ContainerFiles.Stat(root, resolved) is { } info
            ? (resolved, info)
            : throw DockerApiException.NotFound($"Could not find the file {path} in container {container.ShortName}");
    }

    /// <summary>The header value: base64 of the JSON stat, the mode in Go's <c>os.FileMode</c> bits.</summary>
    internal static string PathStat(ContainerPathInfo info)
    {
        var stat = new ContainerPathStat(
            info.Name,
            info.Status.Size,
            GoFileMode(info.Status),
            DateTimeOffset.FromUnixTimeSeconds(info.Status.ModificationTime.Seconds).AddTicks(info.Status.ModificationTime.Nanoseconds / 100),
            info.LinkTarget);
        return Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(stat, ContainerDataJson.Default.ContainerPathStat));
    }

    /// <summary>Unix mode bits as Go's <c>os.FileMode</c>: permissions in the low bits, type and special bits high.</summary>
    internal static uint GoFileMode(FileStatus status)
    {
        var mode = status.Mode & 0x1FF;
        mode |= status.IsDirectory ? 1u << 31 : 0;
        mode |= status.IsSymbolicLink ? 1u << 27 : 0;
        mode |= status.IsBlockDevice || status.IsCharacterDevice ? 1u << 26 : 0;
        mode |= status.IsCharacterDevice ? 1u << 21 : 0;
        mode |= status.IsFifo ? 1u << 25 : 0;
        mode |= (status.Mode & 0xF000) == 0xC000 ? 1u << 24 : 0;
        mode |= (status.Mode & 0x800) != 0 ? 1u << 23 : 0;
        mode |= (status.Mode & 0x400) != 0 ? 1u << 22 : 0;
        mode |= (status.Mode & 0x200) != 0 ? 1u << 20 : 0;
        return mode;
    }
}
