using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Minato.Configuration;

namespace Minato.Daemon;

/// <summary>Console logging for the daemon: one line per event (text) or one JSON object per line.</summary>
internal static class DaemonLogging
{
    /// <summary>Sets up the console logger; the level of Minato's own categories follows <paramref name="levels"/>,
    /// which a configuration reload changes.</summary>
    public static void Configure(ILoggingBuilder logging, MinatoConfig config, LogLevelSwitch levels)
    {
        logging.ClearProviders();

        // The filter is asked on every IsEnabled, so a new level applies at once; the rules below stay as started.
        logging.SetMinimumLevel(LogLevel.Trace);
        logging.AddFilter((_, _, level) => level >= levels.Level);

        // ASP.NET's per-request chatter would drown the per-call lines; its warnings still show.
        logging.AddFilter("Microsoft", config.LogLevel <= LogLevel.Trace ? LogLevel.Trace : LogLevel.Warning);
        logging.AddFilter("Grpc", config.LogLevel <= LogLevel.Trace ? LogLevel.Trace : LogLevel.Warning);
        if (config.LogFormat == "json")
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
    }
}

/// <summary>The daemon's log level, changed in place by a configuration reload.</summary>
internal sealed class LogLevelSwitch(LogLevel level)
{
    private volatile int _level = (int)level;

    public LogLevel Level
    {
        get => (LogLevel)_level;
        set => _level = (int)value;
    }
}
