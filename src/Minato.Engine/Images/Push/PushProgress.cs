namespace Minato.Engine.Images.Push;

/// <summary>Where one layer of a push stands.</summary>
public enum PushLayerState
{
    Preparing,
    Waiting,
    Pushing,
    Pushed,
    AlreadyExists,
    Mounted,
    Failed,
}

/// <summary>A point-in-time view of one layer's push: its blob, DiffID, bytes sent and, once mounted, the source repository.</summary>
public sealed record PushLayerProgress(string Digest, string DiffId, long Size, long Bytes, PushLayerState State, string? MountedFrom);

/// <summary>Live progress of one push, updated by the layer tasks and read by any number of observers.</summary>
public sealed class PushProgress
{
    private readonly Lock sync = new();
    private readonly List<Slot> layers = [];

    /// <summary>The repository pushed to (<c>registry/repo</c>), once resolved.</summary>
    public string? Repository { get; private set; }

    /// <summary>A consistent copy of every layer's progress, top layer first as the docker CLI lists them.</summary>
    public IReadOnlyList<PushLayerProgress> Snapshot()
    {
        lock (sync)
        {
            return [.. layers.Select(l => new PushLayerProgress(l.Digest, l.DiffId, l.Size, Interlocked.Read(ref l.Bytes), l.State, l.MountedFrom)).Reverse()];
        }
    }

    internal void Resolved(string repository, IEnumerable<(string Digest, string DiffId, long Size)> blobs)
    {
        lock (sync)
        {
            Repository = repository;
            layers.Clear();
            layers.AddRange(blobs.Select(b => new Slot(b.Digest, b.DiffId, b.Size)));
        }
    }

    internal Slot Layer(int index)
    {
        lock (sync)
        {
            return layers[index];
        }
    }

    /// <summary>One layer's mutable counters.</summary>
    internal sealed class Slot(string digest, string diffId, long size)
    {
        public long Bytes;

        public string Digest { get; } = digest;

        public string DiffId { get; } = diffId;

        public long Size { get; } = size;

        public PushLayerState State { get; set; } = PushLayerState.Preparing;

        public string? MountedFrom { get; set; }

        public void Add(long count) => Interlocked.Add(ref Bytes, count);
    }
}

/// <summary>What a push stored: the tag, the manifest digest and its size in bytes.</summary>
public sealed record PushResult(string Tag, string Digest, long Size);
