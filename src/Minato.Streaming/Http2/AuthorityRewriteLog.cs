using Microsoft.Extensions.Logging;

namespace Minato.Streaming.Http2;

/// <summary>Log messages of the :authority rewriting connection middleware.</summary>
internal static partial class AuthorityRewriteLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Replaced a path-like HTTP/2 :authority with localhost.")]
    public static partial void AuthorityRewritten(ILogger logger);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Closing an HTTP/2 connection whose header frames cannot be rewritten.")]
    public static partial void ConnectionRejected(ILogger logger, Exception exception);
}
