namespace Minato.Testing;

/// <summary>File modes written the way people read them: <c>Modes.Octal(1777)</c> is the sticky, world-writable mode.</summary>
public static class Modes
{
    public static readonly UnixFileMode Directory = Octal(755);
    public static readonly UnixFileMode File = Octal(644);
    public static readonly UnixFileMode Executable = Octal(755);

    /// <summary>Reads the decimal digits of <paramref name="digits"/> as octal (C# has no octal literals).</summary>
    public static UnixFileMode Octal(int digits)
    {
        var mode = 0;
        var scale = 1;
        for (var rest = digits; rest > 0; rest /= 10, scale *= 8)
        {
            var digit = rest % 10;
            if (digit > 7)
            {
                throw new ArgumentOutOfRangeException(nameof(digits), digits, "not an octal mode");
            }

            mode += digit * scale;
        }

        return (UnixFileMode)mode;
    }
}
