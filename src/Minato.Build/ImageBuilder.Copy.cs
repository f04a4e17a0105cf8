using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Minato.Build.Context;
using Minato.Build.Dockerfile;
using Minato.Engine.Containers;
using Minato.Engine.Images.Build;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Images.Store;
using Minato.Engine.Linux;
using Minato.Engine.Oci.Spec;

namespace Minato.Build;

/// <summary>COPY and ADD: files written straight into the stage's mounted rootfs (no process runs), through
/// <see cref="RootedDirectory"/> so a symlink in the image or the context leads nowhere outside either.</summary>
public sealed partial class ImageBuilder
{
    /// <summary>Bound on what one ADD of a local archive unpacks.</summary>
    private const long MaxArchiveBytes = 64L << 30;

    private async Task CopyStepAsync(StageState state, CopyInstruction copy, CancellationToken cancellationToken)
    {
        var keyword = copy.IsAdd ? "ADD" : "COPY";
        if (copy.Sources.FirstOrDefault(s => s.Contains("://", StringComparison.Ordinal)) is { } url)
        {
            throw new BuildFailedException(
                $"ADD {url}: this node fetches no URLs for builds (it has no route to them); put the file in the build context instead");
        }

        var workdir = state.Config.String("WorkingDir") is { Length: > 0 } w ? w : "/";
        var destinationText = Expand(state, copy.Destination);
        var destination = CleanPath(destinationText.StartsWith('/') ? destinationText : $"{workdir}/{destinationText}");
        var intoDirectory = destinationText.EndsWith('/') || copy.Sources.Count + copy.Heredocs.Count > 1 || destinationText is "." or "";
        using var source = await OpenSourceAsync(state, copy, cancellationToken);
        var files = new List<string>();
        foreach (var pattern in copy.Sources)
        {
            files.AddRange(source.Resolve(Expand(state, pattern), state.Run.Ignore));
        }

        intoDirectory |= files.Count > 1;
        var heredocs = copy.Heredocs.Select(h => (h.Name, Content: h.Expand ? Expand(state, h.Content) : h.Content)).ToList();
        var checksum = source.Checksum(files, heredocs);
        var createdBy = $"{string.Join(' ', ShellOf(state))} #(nop) {keyword} {(files.Count == 1 && heredocs.Count == 0 && source.IsFile(files[0]) ? "file" : "dir")}:{checksum} in {destination} ";
        state.Advance($"{keyword} {checksum} chown={copy.Chown} chmod={copy.Chmod} into={intoDirectory} {destination}");
        if (await TryCacheAsync(state, cancellationToken))
        {
            return;
        }

        state.Run.StepsRun++;
        await using var target = await OpenTargetAsync(state, cancellationToken);
        var owner = copy.Chown is { Length: > 0 } chown ? ChownIds(target.RootfsPath, Expand(state, chown)) : (0u, 0u);
        uint? mode = copy.Chmod is { Length: > 0 } chmod ? ParseMode(Expand(state, chmod)) : null;
        var root = target.Root;
        if (intoDirectory || files.Any(source.IsDirectory))
        {
            root.CreateDirectoryAll(destination.TrimStart('/'), owner);
        }

        foreach (var file in files)
        {
            var name = file == "." ? string.Empty : file;
            var into = destination.TrimStart('/');
            if (source.IsDirectory(file))
            {
                CopyTree(source.Root, name, root, into, owner, mode, source.IsContext ? state.Run.Ignore : null);
            }
            else if (copy.IsAdd && await TryExtractAsync(source.Root, name, root, into, cancellationToken))
            {
                continue;
            }
            else
            {
                var path = intoDirectory ? Join(into, name[(name.LastIndexOf('/') + 1)..]) : into;
                CreateParents(root, path, owner);
                CopyEntry(source.Root, name, root, path, owner, mode);
            }
        }

        foreach (var (name, content) in heredocs)
        {
            var path = intoDirectory ? Join(destination.TrimStart('/'), name) : destination.TrimStart('/');
            CreateParents(root, path, owner);
            WriteFile(root, path, Encoding.UTF8.GetBytes(content), owner, mode ?? 0x1A4);
        }

        using var layer = await target.WriteLayerAsync(cancellationToken);
        await CommitLayerAsync(state, layer, createdBy, cancellationToken);
    }

    private static string Join(string directory, string name) => directory.Length == 0 ? name : $"{directory}/{name}";

    private static void CreateParents(RootedDirectory root, string path, (uint, uint) owner)
    {
        var slash = path.LastIndexOf('/');
        if (slash > 0)
        {
            root.CreateDirectoryAll(path[..slash], owner);
        }
    }

    private static (uint Uid, uint Gid) ChownIds(string rootfs, string chown)
    {
        var colon = chown.IndexOf(':', StringComparison.Ordinal);
        var (user, group) = colon < 0 ? (chown, chown) : (chown[..colon], chown[(colon + 1)..]);
        if (colon < 0 && !uint.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            // "--chown=name" takes the user's own group, as Docker does.
            group = string.Empty;
        }

        try
        {
            var resolved = ImageUsers.Resolve(rootfs, user, group, memberships: false, MaxUserDatabaseBytes);
            return (resolved.Uid, resolved.Gid);
        }
        catch (Engine.Errors.InvalidInputException e)
        {
            throw new BuildFailedException($"unable to convert uid/gid chown string to host mapping: {e.Message}", e);
        }
    }

    private static uint ParseMode(string text)
    {
        try
        {
            var mode = Convert.ToUInt32(text, 8);
            return mode <= 0xFFF ? mode : throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new BuildFailedException($"invalid chmod parameter: {text} (an octal mode up to 7777)", e);
        }
    }

    /// <summary>Copies the contents of the directory <paramref name="from"/> into <paramref name="to"/>.</summary>
    private static void CopyTree(
        RootedDirectory source, string from, RootedDirectory target, string to, (uint, uint) owner, uint? mode, DockerIgnore? ignore)
    {
        var pending = new Stack<(string From, string To)>([(from, to)]);
        while (pending.TryPop(out var next))
        {
            foreach (var name in source.List(next.From, LayerDiffWriter.MaxEntries))
            {
                var child = Join(next.From, name);
                if (ignore is not null && ignore.IsExcluded(child))
                {
                    continue;
                }

                var destination = Join(next.To, name);
                CopyEntry(source, child, target, destination, owner, mode);
                if (source.GetStatus(child) is { IsDirectory: true })
                {
                    pending.Push((child, destination));
                }
            }
        }
    }

    /// <summary>Copies one entry (a directory is made, not filled); what was at the destination is replaced.</summary>
    private static void CopyEntry(RootedDirectory source, string from, RootedDirectory target, string to, (uint Uid, uint Gid) owner, uint? mode)
    {
        var status = source.GetStatus(from) ?? throw new BuildFailedException($"file not found in build context: stat {from}: file does not exist");
        var existing = target.GetStatus(to);
        if (status.IsDirectory)
        {
            if (existing is { IsDirectory: false })
            {
                target.Remove(to);
            }

            target.CreateDirectoryAll(to, owner);
            using var handle = target.OpenDirectoryNoFollow(to);
            handle.ChangeOwner(owner.Uid, owner.Gid);
            handle.ChangeMode(mode ?? status.Permissions);
            handle.SetTimes(status.ModificationTime);
            return;
        }

        if (existing is { IsDirectory: true })
        {
            throw new BuildFailedException($"cannot copy {from} to /{to}: a directory is in the way");
        }

        if (existing is not null)
        {
            target.Remove(to);
        }

        if (status.IsSymbolicLink)
        {
            target.CreateSymbolicLink(to, source.ReadSymbolicLink(from));
            return;
        }

        if (!status.IsRegularFile)
        {
            // Devices, FIFOs and sockets are not copied (the context extractor never makes them).
            return;
        }

        using var input = new FileStream(source.OpenRegularFileForReading(from), FileAccess.Read, 1 << 16);
        using var handle2 = target.CreateFile(to);
        using (var output = new FileStream(handle2, FileAccess.Write, 1 << 16))
        {
            input.CopyTo(output);
            output.Flush();
            handle2.ChangeOwner(owner.Uid, owner.Gid);
            handle2.ChangeMode(mode ?? status.Permissions);
            handle2.SetTimes(status.ModificationTime);
        }
    }

    private static void WriteFile(RootedDirectory target, string path, byte[] content, (uint Uid, uint Gid) owner, uint mode)
    {
        if (target.GetStatus(path) is { } existing)
        {
            if (existing.IsDirectory)
            {
                throw new BuildFailedException($"cannot write /{path}: a directory is in the way");
            }

            target.Remove(path);
        }

        using var handle = target.CreateFile(path);
        using var output = new FileStream(handle, FileAccess.Write, 1 << 16);
        output.Write(content);
        output.Flush();
        handle.ChangeOwner(owner.Uid, owner.Gid);
        handle.ChangeMode(mode);
    }

    /// <summary>ADD of a local tar (plain or gzip): unpacked into the destination through the confined layer unpacker.</summary>
    private static async Task<bool> TryExtractAsync(RootedDirectory source, string from, RootedDirectory target, string to, CancellationToken cancellationToken)
    {
        var header = new byte[512];
        int read;
        using (var probe = new FileStream(source.OpenRegularFileForReading(from), FileAccess.Read, 1))
        {
            read = await probe.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        }

        var gzip = read >= 2 && header[0] == 0x1f && header[1] == 0x8b;
        var tar = read >= 262 && Encoding.ASCII.GetString(header, 257, 5) == "ustar";
        if (!gzip && !tar)
        {
            return false;
        }

        target.CreateDirectoryAll(to);
        await using var file = new FileStream(source.OpenRegularFileForReading(from), FileAccess.Read, 1 << 16);
        await using Stream body = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var into = target.OpenSubdirectory(to);
        try
        {
            await new LayerUnpacker(new UnpackLimits { MaxBytes = MaxArchiveBytes })
                .UnpackAsync(body, into, new UnpackOptions { Whiteouts = false }, cancellationToken);
        }
        catch (InvalidDataException) when (gzip)
        {
            // A .gz that is not a tar is copied as it is, as Docker does.
            return false;
        }

        return true;
    }

    private async Task<CopySource> OpenSourceAsync(StageState state, CopyInstruction copy, CancellationToken cancellationToken)
    {
        if (copy.From is not { } from)
        {
            return new CopySource(RootedDirectory.Open(state.Run.ContextDirectory), state.Run.ContextDirectory, true, null);
        }

        var name = Expand(state, from);
        ImageRecord? image;
        if (StageIndex(state.Run.Document, name, int.MaxValue) is { } index && state.Run.Results.TryGetValue(index, out var result))
        {
            image = result.Image;
        }
        else
        {
            image = await BaseImageAsync(state.Run, name, cancellationToken);
        }

        if (image is null || image.Layers.Count == 0)
        {
            throw new BuildFailedException($"COPY --from={name}: the stage has no files");
        }

        var id = await CreateHoldingContainerAsync(image, cancellationToken);
        try
        {
            return new CopySource(containers.OpenRootfs(id), image.Id, false, () => RemoveContainerAsync(id).GetAwaiter().GetResult());
        }
        catch
        {
            await RemoveContainerAsync(id);
            throw;
        }
    }

    /// <summary>A created (never started) container: the engine mounts the image's layers with a writable layer on top.</summary>
    private async Task<string> CreateHoldingContainerAsync(ImageRecord image, CancellationToken cancellationToken)
    {
        var id = ContainerService.NewId();
        var config = ImageConfigDocument.Empty();
        var description = new ContainerDescription(id, Owner, "build-" + id[..12], image, settings.RuntimeHandler, string.Empty,
            Tty: false, Stdin: false, StdinOnce: false, rootfs => RunSpec(rootfs, ["/bin/true"], [], config, "none", id));
        await containers.CreateAsync(description, cancellationToken);
        return id;
    }

    private async Task<CopyTarget> OpenTargetAsync(StageState state, CancellationToken cancellationToken)
    {
        if (state.Image is null || state.Image.Layers.Count == 0)
        {
            var directory = images.Snapshots.CreateUnpackDirectory();
            return new CopyTarget(RootedDirectory.Open(directory), directory,
                ct => LayerFile.FromUpperAsync(images.Snapshots, directory, [], ct), () => SnapshotStore.Delete(directory));
        }

        var id = await CreateHoldingContainerAsync(state.Image, cancellationToken);
        try
        {
            return new CopyTarget(containers.OpenRootfs(id), containers.Get(id).RootfsPath,
                ct => containers.WriteLayerAsync(id, ct), () => RemoveContainerAsync(id).GetAwaiter().GetResult());
        }
        catch
        {
            await RemoveContainerAsync(id);
            throw;
        }
    }

    /// <summary>Where COPY reads from: the context, or another stage's or image's mounted rootfs.</summary>
    private sealed class CopySource(RootedDirectory root, string identity, bool isContext, Action? release) : IDisposable
    {
        public RootedDirectory Root => root;

        public bool IsContext => isContext;

        public IReadOnlyList<string> Resolve(string pattern, DockerIgnore ignore)
        {
            if (isContext)
            {
                return ContextSources.Resolve(root.HostPath, pattern, ignore);
            }

            var clean = CleanPath(pattern).TrimStart('/');
            return root.GetStatus(clean) is null
                ? throw new BuildFailedException($"COPY failed: stat {pattern}: file does not exist")
                : [clean.Length == 0 ? "." : clean];
        }

        public bool IsDirectory(string path) => root.GetStatus(path == "." ? string.Empty : path) is { IsDirectory: true };

        public bool IsFile(string path) => root.GetStatus(path == "." ? string.Empty : path) is { IsDirectory: false };

        public string Checksum(IReadOnlyList<string> files, IReadOnlyList<(string Name, string Content)> heredocs)
        {
            var text = new StringBuilder(isContext ? ContentChecksum.Compute(root.HostPath, files) : identity + ":" + string.Join(',', files));
            foreach (var (name, content) in heredocs)
            {
                text.Append('\n').Append(name).Append('\n').Append(content);
            }

            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        }

        public void Dispose()
        {
            root.Dispose();
            release?.Invoke();
        }
    }

    /// <summary>Where COPY writes: a mounted container rootfs, or (on scratch) an empty directory that is the layer.</summary>
    private sealed class CopyTarget(RootedDirectory root, string rootfsPath, Func<CancellationToken, Task<LayerFile>> layer, Action release)
        : IAsyncDisposable
    {
        public RootedDirectory Root => root;

        public string RootfsPath => rootfsPath;

        public Task<LayerFile> WriteLayerAsync(CancellationToken cancellationToken) => layer(cancellationToken);

        public ValueTask DisposeAsync()
        {
            root.Dispose();
            release();
            return ValueTask.CompletedTask;
        }
    }
}
