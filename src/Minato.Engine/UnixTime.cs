namespace Minato.Engine;

/// <summary>The one conversion between clock readings and the Unix nanoseconds that records and the CRI carry.</summary>
/// <remarks>Ticks are 100 ns, so this keeps every digit the clock gives (an earlier copy divided to microseconds).</remarks>
public static class UnixTime
{
    /// <summary>Nanoseconds since the Unix epoch of <paramref name="time"/>.</summary>
    public static long Nanoseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>Nanoseconds since the Unix epoch of a UTC <see cref="DateTime"/> (file times).</summary>
    public static long Nanoseconds(DateTime utc) => Nanoseconds(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeSpan.Zero));

    /// <summary>The time <paramref name="nanoseconds"/> after the Unix epoch.</summary>
    public static DateTimeOffset FromNanoseconds(long nanoseconds) => DateTimeOffset.UnixEpoch.AddTicks(nanoseconds / 100);

    /// <summary>Now, in Unix nanoseconds, by <paramref name="time"/>.</summary>
    public static long UnixNanoseconds(this TimeProvider time) => Nanoseconds(time.GetUtcNow());
}
