using Minato.Engine.Errors;
using Minato.Engine.Store;

namespace Minato.Engine.Volumes;

/// <summary>
/// Named volumes of the <c>local</c> driver: plain directories under <c>&lt;root&gt;/volumes/&lt;name&gt;/_data</c>, recorded
/// in the metadata store with the containers that use them. Front-door-neutral: the Docker door serves
/// <c>/volumes</c> from it and binds volumes into containers through <see cref="Acquire"/> and <see cref="ReleaseAll"/>.
/// </summary>
/// <remarks>
/// <para>How a container uses volumes: before its spec is built, call <see cref="Acquire"/> for each named volume (it
/// creates a missing one, as <c>docker run -v name:/path</c> does) and bind the returned host path; for an anonymous
/// volume (an image's <c>VOLUME</c>, <c>-v /path</c>) call <see cref="Create"/> with a null name, then
/// <see cref="Acquire"/> its name. When the container is removed call <see cref="ReleaseAll"/>, with
/// <c>removeAnonymous: true</c> for <c>docker rm -v</c> and auto-remove. A failed create should release what it acquired.</para>
/// <para>Crash consistency: a directory is made before its record and removed after it was renamed to
/// <c>.removing-&lt;name&gt;</c>; <see cref="Load"/> finishes an interrupted removal, adopts a directory without a record and
/// makes the directory of a record that lost it.</para>
/// </remarks>
public sealed partial class VolumeService
{
    /// <summary>The one driver.</summary>
    public const string LocalDriver = "local";

    /// <summary>Most labels a volume may carry, and longest key and value.</summary>
    public const int MaxLabels = 256;

    private const int MaxLabelLength = 4096;
    private const string RemovingPrefix = ".removing-";

    private const UnixFileMode DataMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode RootMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute;

    private readonly VolumeStore store;
    private readonly TimeProvider time;
    private readonly Lock gate = new();

    private VolumeService(VolumeStore store, string directory, TimeProvider time)
    {
        this.store = store;
        this.time = time;
        Directory = directory;
    }

    /// <summary>Raised after a volume was created, removed, acquired or released (outside the service's lock).</summary>
    public event Action<VolumeChange>? Changed;

    /// <summary>The directory holding every volume (<c>&lt;root&gt;/volumes</c>).</summary>
    public string Directory { get; }

    /// <summary>Every volume.</summary>
    public IReadOnlyList<VolumeRecord> All => [.. store.All.OrderBy(v => v.Name, StringComparer.Ordinal)];

    /// <summary>Loads the volumes under <paramref name="directory"/> and repairs what a crash left (see the remarks).</summary>
    public static VolumeService Load(MetadataStore metadata, string directory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        System.IO.Directory.CreateDirectory(directory, RootMode);
        var service = new VolumeService(VolumeStore.Load(metadata), directory, time);
        service.Repair();
        return service;
    }

    /// <summary>The volume <paramref name="name"/>, or null.</summary>
    public VolumeRecord? Find(string name) => VolumeName.IsValid(name) ? store.Get(name) : null;

    /// <summary>
    /// Creates a volume; an existing one of that name is returned as it is (as dockerd does). A null or empty
    /// <paramref name="name"/> makes an anonymous volume with a fresh 64-hex name.
    /// </summary>
    /// <exception cref="InvalidInputException">Bad name, unknown driver, driver options, or too many or too long labels.</exception>
    /// <exception cref="AlreadyExistsException">The name exists with another driver.</exception>
    public VolumeRecord Create(
        string? name, IReadOnlyDictionary<string, string>? labels = null, IReadOnlyDictionary<string, string>? options = null, string? driver = null)
    {
        var anonymous = string.IsNullOrEmpty(name);
        name = anonymous ? VolumeName.NewAnonymous() : name!;
        VolumeName.Check(name);
        CheckDriver(driver, options);
        CheckLabels(labels);
        VolumeRecord record;
        lock (gate)
        {
            if (store.Get(name) is { } existing)
            {
                return existing;
            }

            record = MakeLocked(name, anonymous, labels, options);
        }

        Changed?.Invoke(new VolumeChange(record, VolumeChangeKind.Created, null));
        return record;
    }

    /// <summary>
    /// Records that <paramref name="containerId"/> uses volume <paramref name="name"/>, creating it when missing, and
    /// returns the host directory to bind. Acquiring twice for the same container counts once.
    /// </summary>
    /// <exception cref="InvalidInputException">The name breaks the volume name rule, or the container id is empty.</exception>
    public string Acquire(string name, string containerId)
    {
        VolumeName.Check(name);
        if (string.IsNullOrEmpty(containerId))
        {
            throw new InvalidInputException("container id is required to acquire a volume");
        }

        var changes = new List<VolumeChange>(2);
        string path;
        lock (gate)
        {
            var record = store.Get(name);
            if (record is null)
            {
                record = MakeLocked(name, anonymous: false, null, null);
                changes.Add(new VolumeChange(record, VolumeChangeKind.Created, null));
            }

            // A directory lost under a live record is made again rather than bound as a missing path.
            System.IO.Directory.CreateDirectory(record.Mountpoint, DataMode);
            if (!record.Users.Contains(containerId, StringComparer.Ordinal))
            {
                record = store.Update(record with { Users = [.. record.Users, containerId] });
            }

            changes.Add(new VolumeChange(record, VolumeChangeKind.Mounted, containerId));
            path = record.Mountpoint;
        }

        Raise(changes);
        return path;
    }

    /// <summary>
    /// Forgets every use of <paramref name="containerId"/>; with <paramref name="removeAnonymous"/> (<c>docker rm -v</c>,
    /// auto-remove) its anonymous volumes that no other container uses are removed too. Returns the names removed.
    /// </summary>
    public IReadOnlyList<string> ReleaseAll(string containerId, bool removeAnonymous = false)
    {
        ArgumentNullException.ThrowIfNull(containerId);
        var changes = new List<VolumeChange>();
        var removed = new List<string>();
        lock (gate)
        {
            foreach (var record in store.All.Where(v => v.Users.Contains(containerId, StringComparer.Ordinal)).ToList())
            {
                var released = store.Update(record with { Users = [.. record.Users.Where(u => u != containerId)] });
                changes.Add(new VolumeChange(released, VolumeChangeKind.Unmounted, containerId));
                if (removeAnonymous && released.Anonymous && released.Users.Count == 0)
                {
                    RemoveLocked(released);
                    changes.Add(new VolumeChange(released, VolumeChangeKind.Removed, null));
                    removed.Add(released.Name);
                }
            }
        }

        Raise(changes);
        return removed;
    }

    /// <summary>Recovery: forgets uses by containers that no longer exist (removed while the daemon was down).</summary>
    public void ReleaseUnknown(IReadOnlySet<string> containerIds)
    {
        ArgumentNullException.ThrowIfNull(containerIds);
        var gone = store.All.SelectMany(v => v.Users).Where(u => !containerIds.Contains(u)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in gone)
        {
            ReleaseAll(id);
        }
    }

    /// <summary>Removes volume <paramref name="name"/> and its data.</summary>
    /// <param name="name">The volume.</param>
    /// <param name="force">A missing volume is no error (dockerd's <c>force</c>); a volume in use is still refused.</param>
    /// <exception cref="NotFoundException">No such volume (without <paramref name="force"/>).</exception>
    /// <exception cref="PreconditionException">Containers use it; the message names them.</exception>
    public void Remove(string name, bool force = false)
    {
        VolumeRecord record;
        lock (gate)
        {
            if (Find(name) is not { } found)
            {
                if (force)
                {
                    return;
                }

                throw new NotFoundException($"volume {name} not found");
            }

            if (found.Users.Count > 0)
            {
                throw new PreconditionException($"remove {name}: volume is in use - [{string.Join(", ", found.Users)}]");
            }

            record = found;
            RemoveLocked(record);
        }

        Changed?.Invoke(new VolumeChange(record, VolumeChangeKind.Removed, null));
    }

    /// <summary>Removes every unused volume <paramref name="select"/> picks; returns each with the bytes it held.</summary>
    public IReadOnlyList<(string Name, long Bytes)> Prune(Func<VolumeRecord, bool> select)
    {
        ArgumentNullException.ThrowIfNull(select);
        var removed = new List<(VolumeRecord Record, long Bytes)>();
        lock (gate)
        {
            foreach (var record in store.All.Where(v => v.Users.Count == 0 && select(v)).OrderBy(v => v.Name, StringComparer.Ordinal).ToList())
            {
                var bytes = SizeOf(record);
                RemoveLocked(record);
                removed.Add((record, bytes));
            }
        }

        Raise([.. removed.Select(r => new VolumeChange(r.Record, VolumeChangeKind.Removed, null))]);
        return [.. removed.Select(r => (r.Record.Name, r.Bytes))];
    }

    /// <summary>Bytes of the files in the volume, counted now (symlinks are not followed).</summary>
    public long SizeOf(VolumeRecord volume)
    {
        ArgumentNullException.ThrowIfNull(volume);

        // Only ever a directory of this service: a record is data, not a licence to walk the host.
        return volume.Mountpoint.StartsWith(Directory + "/", StringComparison.Ordinal) ? DirectorySize.Of(volume.Mountpoint) : 0;
    }

    private VolumeRecord MakeLocked(string name, bool anonymous, IReadOnlyDictionary<string, string>? labels, IReadOnlyDictionary<string, string>? options)
    {
        var record = new VolumeRecord
        {
            Name = name,
            Mountpoint = Path.Combine(Directory, name, "_data"),
            CreatedAt = time.UnixNanoseconds(),
            Anonymous = anonymous,
            Labels = labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(labels, StringComparer.Ordinal),
            Options = options is null ? new Dictionary<string, string>() : new Dictionary<string, string>(options, StringComparer.Ordinal),
        };

        // The directory first: a crash before the record leaves a directory that start-up adopts.
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, name), DataMode);
        System.IO.Directory.CreateDirectory(record.Mountpoint, DataMode);
        File.SetUnixFileMode(record.Mountpoint, DataMode);
        try
        {
            store.Insert(record);
        }
        catch
        {
            System.IO.Directory.Delete(Path.Combine(Directory, name), recursive: true);
            throw;
        }

        return record;
    }

    private void RemoveLocked(VolumeRecord record)
    {
        // Renamed first: a crash after this point is finished by start-up, never undone into an emptied volume.
        var directory = Path.Combine(Directory, record.Name);
        var trash = Path.Combine(Directory, RemovingPrefix + record.Name);
        DeleteIfPresent(trash);
        if (System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Move(directory, trash);
        }

        store.Delete(record.Name);
        DeleteIfPresent(trash);
    }

    private void Raise(IReadOnlyList<VolumeChange> changes)
    {
        foreach (var change in changes)
        {
            Changed?.Invoke(change);
        }
    }

    private static void DeleteIfPresent(string directory)
    {
        if (System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }
}
