using System.Globalization;

namespace Minato.Docker.Http;

/// <summary>A Docker Engine API version, <c>major.minor</c>, as clients put it in <c>/vX.Y/</c> path prefixes.</summary>
public readonly record struct ApiVersion(int Major, int Minor) : IComparable<ApiVersion>
{
    /// <summary>The oldest version served (<c>MinAPIVersion</c>), as dockerd 25 and later.</summary>
    public static readonly ApiVersion Minimum = new(1, 24);

    /// <summary>The version served to clients that name none, and the newest accepted.</summary>
    public static readonly ApiVersion Current = new(1, 45);

    /// <summary>
    /// Parses <c>1.45</c> (digits and dots, as dockerd's route pattern <c>v{version:[0-9.]+}</c>); a missing minor is 0
    /// and a third component is ignored, as dockerd's comparison does.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out ApiVersion version)
    {
        version = default;
        Span<Range> parts = stackalloc Range[4];
        var count = text.Split(parts, '.');
        if (count is 0 or > 3)
        {
            return false;
        }

        Span<int> numbers = stackalloc int[2];
        for (var i = 0; i < count; i++)
        {
            var part = text[parts[i]];
            if (part.Length is 0 or > 4 || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return false;
            }

            if (i < 2)
            {
                numbers[i] = n;
            }
        }

        version = new ApiVersion(numbers[0], numbers[1]);
        return true;
    }

    public int CompareTo(ApiVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(ApiVersion left, ApiVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(ApiVersion left, ApiVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(ApiVersion left, ApiVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ApiVersion left, ApiVersion right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");
}
