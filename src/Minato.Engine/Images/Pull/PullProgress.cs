namespace Minato.Engine.Images.Pull;

/// <summary>Where one layer of a pull stands.</summary>
public enum LayerState
{
    Waiting,
    Downloading,
    Verifying,
    Done,
    AlreadyExists,
    Failed,
}

/// <summary>A point-in-time view of one layer's progress.</summary>
public sealed record LayerProgress(string Digest, long Size, long Bytes, LayerState State);

/// <summary>Live progress of one pull, updated by the layer tasks and read by any number of observers.</summary>
public sealed class PullProgress
{
    private readonly Lock sync = new();
    private readonly List<LayerSlot> layers = [];

    /// <summary>What the pull is doing overall: resolving, pulling layers, done.</summary>
    public string Phase { get; private set; } = "resolving";

    /// <summary>The manifest chosen, once known.</summary>
    public string? ManifestDigest { get; private set; }

    /// <summary>A consistent copy of every layer's progress.</summary>
    public IReadOnlyList<LayerProgress> Snapshot()
    {
        lock (sync)
        {
            return [.. layers.Select(l => new LayerProgress(l.Digest, l.Size, Interlocked.Read(ref l.Bytes), l.State))];
        }
    }

    internal void Resolved(string manifestDigest, IEnumerable<(string Digest, long Size)> layerBlobs)
    {
        lock (sync)
        {
            ManifestDigest = manifestDigest;
            Phase = "pulling";
            layers.Clear();
            layers.AddRange(layerBlobs.Select(l => new LayerSlot(l.Digest, l.Size)));
        }
    }

    internal void Finished(string phase)
    {
        lock (sync)
        {
            Phase = phase;
        }
    }

    internal LayerSlot Layer(int index)
    {
        lock (sync)
        {
            return layers[index];
        }
    }

    /// <summary>One layer's mutable counters.</summary>
    internal sealed class LayerSlot(string digest, long size)
    {
        public long Bytes;

        public string Digest { get; } = digest;

        public long Size { get; } = size;

        public LayerState State { get; set; } = LayerState.Waiting;

        public void Add(long count) => Interlocked.Add(ref Bytes, count);
    }
}
