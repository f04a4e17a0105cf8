using System.Security.Cryptography;
using Minato.Engine.Errors;
using Minato.Engine.Oci;

namespace Minato.Engine.Containers;

/// <summary>What to checkpoint a container into and how.</summary>
/// <param name="Location">The archive to write: an absolute path whose parent directory exists; a file there is replaced.</param>
/// <param name="Timeout">Bound on the whole checkpoint; zero means <see cref="ContainerService.DefaultCheckpointTimeout"/>.</param>
/// <param name="LeaveRunning">The container keeps running after the dump (else CRIU stops it).</param>
/// <param name="ImageName">The image as the caller named it, for the archive's config.dump; empty means the image id.</param>
public sealed record ContainerCheckpoint(string Location, TimeSpan Timeout, bool LeaveRunning = true, string ImageName = "");

/// <summary>Checkpointing a running container with CRIU into an archive CRI-O, Podman and checkpointctl can read.</summary>
public sealed partial class ContainerService
{
    /// <summary>The bound on a checkpoint when the caller gives none.</summary>
    public static readonly TimeSpan DefaultCheckpointTimeout = TimeSpan.FromMinutes(4);

    /// <summary>The longest a caller may ask a checkpoint to take; longer requests are held to this.</summary>
    public static readonly TimeSpan MaxCheckpointTimeout = TimeSpan.FromHours(1);

    private const int MaxLocationLength = 4096;

    /// <summary>Dumps the running container's processes with the runtime's <c>checkpoint</c> (CRIU) and writes the
    /// archive at <see cref="ContainerCheckpoint.Location"/>; the archive appears whole or not at all.</summary>
    /// <exception cref="InvalidInputException">The location or the timeout is not usable.</exception>
    /// <exception cref="NotFoundException">No such container.</exception>
    /// <exception cref="PreconditionException">The container is not running, CRIU is missing, or CRIU could not dump
    /// it (the message carries CRIU's own error lines).</exception>
    /// <exception cref="TimeoutException">The checkpoint did not finish within its timeout.</exception>
    public async Task<ContainerRecord> CheckpointAsync(string id, ContainerCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var location = CheckLocation(checkpoint.Location);
        var timeout = CheckTimeout(checkpoint.Timeout);
        var record = Running(id);
        using var held = await _locks.AcquireAsync(record.Id, cancellationToken);
        record = Running(record.Id);
        if (FindOnPath("criu") is null)
        {
            throw new PreconditionException("checkpointing needs CRIU, and no criu executable is on the daemon's PATH (install the criu package)");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var staging = Path.Combine(record.BundleDirectory, "checkpoint-" + token);
        var partial = Path.Combine(Path.GetDirectoryName(location)!, "." + Path.GetFileName(location) + ".partial-" + token);
        try
        {
            var images = Directory.CreateDirectory(Path.Combine(staging, "images")).FullName;
            var work = Directory.CreateDirectory(Path.Combine(staging, "work")).FullName;
            var scratch = Directory.CreateDirectory(Path.Combine(staging, "scratch")).FullName;
            try
            {
                await Runtime(record.RuntimeHandler).CheckpointAsync(record.Id, images, work, checkpoint.LeaveRunning, timeout, deadline.Token);
            }
            catch (OciRuntimeException e)
            {
                throw new PreconditionException($"checkpoint of container {record.Id} failed: CRIU could not dump it: {e.Message}", e);
            }

            var config = new CheckpointConfigDump
            {
                Id = record.Id,
                Name = record.Name,
                RootfsImage = record.ImageId,
                RootfsImageName = checkpoint.ImageName.Length > 0 ? checkpoint.ImageName : record.ImageId,
                Runtime = record.RuntimeHandler,
                CreatedTime = DateTimeOffset.UnixEpoch.AddTicks(record.CreatedAt / 100),
                CheckpointedTime = time.GetUtcNow(),
            };
            var spec = await File.ReadAllBytesAsync(Path.Combine(record.BundleDirectory, "config.json"), deadline.Token);
            await using (var output = new FileStream(partial, FileMode.CreateNew, FileAccess.Write))
            {
                await CheckpointArchive.WriteAsync(output, images, config, spec, Path.Combine(record.LayerDirectory, "upper"), scratch,
                    Path.Combine(work, "dump.log"), deadline.Token);
                await output.FlushAsync(deadline.Token);
                output.Flush(flushToDisk: true);
            }

            File.Move(partial, location, overwrite: true);
            ContainerLog.Checkpointed(logger, record.Id, location);
            return record;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"checkpoint of container {record.Id} did not finish within {timeout.TotalSeconds:0}s");
        }
        finally
        {
            File.Delete(partial);
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static string CheckLocation(string location)
    {
        if (string.IsNullOrEmpty(location))
        {
            throw new InvalidInputException("location is required: the path of the checkpoint archive to write");
        }

        if (location.Length > MaxLocationLength || location.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidInputException($"location is not a usable path (longer than {MaxLocationLength} characters or containing NUL)");
        }

        if (!Path.IsPathFullyQualified(location) || location.EndsWith('/'))
        {
            throw new InvalidInputException($"location {location} must be an absolute path to a file");
        }

        var full = Path.GetFullPath(location);
        if (Directory.Exists(full))
        {
            throw new InvalidInputException($"location {location} is an existing directory; give the path of the archive file to write");
        }

        var parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent))
        {
            throw new InvalidInputException($"location {location}: the directory {parent} does not exist");
        }

        return full;
    }

    private static TimeSpan CheckTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero)
        {
            throw new InvalidInputException($"timeout must not be negative (got {timeout.TotalSeconds:0}s)");
        }

        return timeout == TimeSpan.Zero ? DefaultCheckpointTimeout : timeout > MaxCheckpointTimeout ? MaxCheckpointTimeout : timeout;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
