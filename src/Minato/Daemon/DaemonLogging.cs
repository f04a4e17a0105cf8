using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Minato.Configuration;

namespace Minato.Daemon;

/// <summary>Console logging for the daemon: one line per event (text) or one JSON object per line.</summary>
internal static class DaemonLogging
{
    public static void Configure(ILoggingBuilder logging, MinatoConfig config)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(config.LogLevel);

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
