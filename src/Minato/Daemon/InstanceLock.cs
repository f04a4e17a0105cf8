namespace Minato.Daemon;

/// <summary>An exclusive advisory lock file that keeps two daemons off the same root, state or socket.</summary>
/// <remarks>
/// .NET takes flock(LOCK_EX|LOCK_NB) for <see cref="FileShare.None"/> on Unix, and the kernel drops it when the
/// process dies, so a SIGKILLed daemon never leaves a stale lock behind.
/// </remarks>
internal sealed class InstanceLock : IDisposable
{
    private readonly FileStream _stream;

    private InstanceLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock or returns null when another process holds it.</summary>
    public static InstanceLock? TryAcquire(string path)
    {
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new InstanceLock(stream);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
