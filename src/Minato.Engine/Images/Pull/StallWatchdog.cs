namespace Minato.Engine.Images.Pull;

/// <summary>Cancels a pull that has received no bytes, or fewer than <see cref="MinProgressBytes"/>, for a set time.</summary>
public sealed class StallWatchdog : IDisposable
{
    private readonly TimeProvider time;
    private readonly TimeSpan timeout;
    private readonly CancellationTokenSource stalled = new();
    private readonly ITimer timer;
    private long lastActivity;
    private long pendingBytes;

    /// <summary>Bytes that must arrive within the timeout for a transfer to count as moving: a registry or proxy that
    /// trickles a few bytes at a time would otherwise hold a pull open for ever. With the default 5-minute timeout that
    /// is 55 bytes a second, far below any working link.</summary>
    public const long MinProgressBytes = 16 * 1024;

    public StallWatchdog(TimeSpan timeout, TimeProvider time)
    {
        this.time = time;
        this.timeout = timeout;
        lastActivity = time.GetTimestamp();
        var period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond * 5));
        timer = time.CreateTimer(_ => Check(), null, period, period);
    }

    /// <summary>Cancelled once the pull has stalled.</summary>
    public CancellationToken Token => stalled.Token;

    public bool HasStalled => stalled.IsCancellationRequested;

    /// <summary>Records that a step finished (a small blob read whole, a layer unpacked): progress whatever its size.</summary>
    public void Touch()
    {
        Interlocked.Exchange(ref pendingBytes, 0);
        Interlocked.Exchange(ref lastActivity, time.GetTimestamp());
    }

    /// <summary>Records that <paramref name="bytes"/> arrived; they count as progress once <see cref="MinProgressBytes"/>
    /// have come since the last progress.</summary>
    public void Touch(long bytes)
    {
        if (Interlocked.Add(ref pendingBytes, bytes) >= MinProgressBytes)
        {
            Touch();
        }
    }

    /// <summary>The error a stalled pull fails with.</summary>
    public TimeoutException Failure(string what) => Interlocked.Read(ref pendingBytes) is var trickled and > 0
        ? new($"{what}: only {trickled} bytes received in {timeout.TotalSeconds:0} seconds (a stalled or trickling transfer)")
        : new($"{what}: no data received for {timeout.TotalSeconds:0} seconds");

    public void Dispose()
    {
        timer.Dispose();
        stalled.Dispose();
    }

    private void Check()
    {
        if (time.GetElapsedTime(Interlocked.Read(ref lastActivity)) >= timeout)
        {
            try
            {
                stalled.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The pull finished while the timer fired.
            }
        }
    }
}
