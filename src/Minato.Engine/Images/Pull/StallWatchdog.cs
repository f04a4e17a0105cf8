namespace Minato.Engine.Images.Pull;

/// <summary>Cancels a pull that has received no bytes for a set time.</summary>
public sealed class StallWatchdog : IDisposable
{
    private readonly TimeProvider time;
    private readonly TimeSpan timeout;
    private readonly CancellationTokenSource stalled = new();
    private readonly ITimer timer;
    private long lastActivity;

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

    /// <summary>Records that bytes arrived.</summary>
    public void Touch() => Interlocked.Exchange(ref lastActivity, time.GetTimestamp());

    /// <summary>The error a stalled pull fails with.</summary>
    public TimeoutException Failure(string what) =>
        new($"{what}: no data received for {timeout.TotalSeconds:0} seconds");

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
