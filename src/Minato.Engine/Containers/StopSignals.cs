using System.Globalization;
using Minato.Engine.Errors;

namespace Minato.Engine.Containers;

/// <summary>Signal names (as images and the CRI write them) to Linux signal numbers.</summary>
public static class StopSignals
{
    /// <summary>Standard signal names without <c>SIG</c>, at their Linux number (x86 and arm numbering).</summary>
    private static readonly string[] Names =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
        "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    /// <summary>The number of <c>SIGTERM</c>, <c>TERM</c> or <c>15</c>; real-time signals as <c>SIGRTMIN+n</c>.</summary>
    /// <exception cref="InvalidInputException">Not a signal.</exception>
    public static int Parse(string signal)
    {
        var name = signal.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? signal[3..] : signal;
        var index = Array.FindIndex(Names, 1, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (index > 0)
        {
            return index;
        }

        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and < 65)
        {
            return number;
        }

        if (name.StartsWith("RTMIN+", StringComparison.OrdinalIgnoreCase) &&
            int.TryParse(name[6..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && offset <= 30)
        {
            return 34 + offset;
        }

        throw new InvalidInputException($"stop signal \"{signal}\" is not a signal");
    }
}
