namespace Minato.Engine.Linux;

/// <summary>A point in time as the kernel stores it: seconds since the epoch and nanoseconds.</summary>
public readonly record struct UnixTimestamp(long Seconds, uint Nanoseconds)
{
    public override string ToString() => $"{Seconds}.{Nanoseconds:D9}";
}
