using System.Diagnostics.CodeAnalysis;

namespace Minato.Engine.Devices.Cdi;

/// <summary>A fully qualified CDI device name, <c>vendor.com/class=name</c>, as a CDI spec's <c>kind</c> and a device's
/// <c>name</c> combine.</summary>
/// <remarks>The grammar is the CDI specification's: vendor and class start with a letter and end with a letter or digit,
/// with letters, digits, <c>_</c>, <c>-</c> and <c>.</c> between; a device name is the same but may also start with a
/// digit and contain <c>:</c>. The name <c>all</c> asks for every device of the kind when the spec defines no device
/// named <c>all</c> itself.</remarks>
public readonly record struct CdiDeviceName(string Vendor, string Class, string Name)
{
    /// <summary>The longest qualified name accepted; far above any real one, it bounds what a request can make us hold.</summary>
    public const int MaxLength = 512;

    /// <summary>The device name that selects every device of a kind.</summary>
    public const string All = "all";

    /// <summary>The spec <c>kind</c>, <c>vendor/class</c>.</summary>
    public string Kind => Vendor + "/" + Class;

    public override string ToString() => Kind + "=" + Name;

    /// <summary>Parses <c>vendor/class=name</c>.</summary>
    /// <exception cref="FormatException">The text is not a fully qualified CDI device name; the message says why.</exception>
    public static CdiDeviceName Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var name, out var error) ? name : throw new FormatException(error);
    }

    /// <summary>Parses <c>vendor/class=name</c>; false with the reason when it is not one.</summary>
    public static bool TryParse(string text, out CdiDeviceName name, [NotNullWhen(false)] out string? error)
    {
        name = default;
        if (text.Length is 0 or > MaxLength)
        {
            error = $"\"{Printable(text)}\" is not a CDI device name of 1 to {MaxLength} characters";
            return false;
        }

        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var slash = equals < 0 ? -1 : text.LastIndexOf('/', equals);
        if (equals < 0 || slash < 0)
        {
            error = $"\"{Printable(text)}\" is not a fully qualified CDI device name (vendor.com/class=name)";
            return false;
        }

        var (vendor, @class, device) = (text[..slash], text[(slash + 1)..equals], text[(equals + 1)..]);
        error = ValidateVendorOrClass("vendor", vendor) ?? ValidateVendorOrClass("class", @class) ?? ValidateDevice(device);
        if (error is not null)
        {
            error = $"\"{Printable(text)}\" is not a valid CDI device name: {error}";
            return false;
        }

        name = new CdiDeviceName(vendor, @class, device);
        return true;
    }

    /// <summary>Parses a spec's <c>kind</c>, <c>vendor/class</c>.</summary>
    /// <returns>The vendor and class, or the reason the kind is not valid.</returns>
    public static (string Vendor, string Class, string? Error) ParseKind(string kind)
    {
        var slash = kind.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || kind.Length > MaxLength)
        {
            return (string.Empty, string.Empty, $"kind \"{Printable(kind)}\" must be vendor/class, e.g. vendor.com/device");
        }

        var (vendor, @class) = (kind[..slash], kind[(slash + 1)..]);
        var error = ValidateVendorOrClass("vendor", vendor) ?? ValidateVendorOrClass("class", @class);
        return (vendor, @class, error is null ? null : $"kind \"{Printable(kind)}\": {error}");
    }

    /// <summary>Why <paramref name="name"/> is not a valid device name, or null.</summary>
    public static string? ValidateDevice(string name)
    {
        if (name.Length == 0)
        {
            return "the device name is empty";
        }

        if (!IsAlphaNumeric(name[0]) || !IsAlphaNumeric(name[^1]))
        {
            return $"device name \"{Printable(name)}\" must start and end with a letter or digit";
        }

        return name.All(c => IsAlphaNumeric(c) || c is '_' or '-' or '.' or ':')
            ? null
            : $"device name \"{Printable(name)}\" may hold only letters, digits, '_', '-', '.' and ':'";
    }

    private static string? ValidateVendorOrClass(string what, string value)
    {
        if (value.Length == 0)
        {
            return $"the {what} is empty";
        }

        if (!char.IsAsciiLetter(value[0]) || !IsAlphaNumeric(value[^1]))
        {
            return $"{what} \"{Printable(value)}\" must start with a letter and end with a letter or digit";
        }

        return value.All(c => IsAlphaNumeric(c) || c is '_' or '-' or '.')
            ? null
            : $"{what} \"{Printable(value)}\" may hold only letters, digits, '_', '-' and '.'";
    }

    private static bool IsAlphaNumeric(char c) => char.IsAsciiLetterOrDigit(c);

    /// <summary>The text with control characters escaped and cut to a readable length, for error messages.</summary>
    internal static string Printable(string text)
    {
        var cut = text.Length > 80 ? text[..80] + "..." : text;
        return string.Concat(cut.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
