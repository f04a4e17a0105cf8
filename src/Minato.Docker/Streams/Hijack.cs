using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Minato.Docker.Streams;

/// <summary>Takes over the connection for attach and exec, as dockerd does: a request with <c>Upgrade: tcp</c> gets
/// <c>101</c> and the raw connection both ways; one without gets <c>200</c> and the response body (input then comes from the
/// request body).</summary>
public static class Hijack
{
    /// <summary>The content type of raw (TTY) output.</summary>
    public const string RawStream = "application/vnd.docker.raw-stream";

    /// <summary>The content type of multiplexed output (API 1.42 and later without a TTY).</summary>
    public const string MultiplexedStream = "application/vnd.docker.multiplexed-stream";

    /// <summary>The body of a hijack request that the connection moved into a header, or null when it came as a body.</summary>
    public static byte[]? MovedBody(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Request.Headers[UpgradeBodyRewriter.BodyHeader] is not [{ } encoded])
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(encoded);
        }
        catch (FormatException e)
        {
            throw new Http.DockerApiException(400, $"{UpgradeBodyRewriter.BodyHeader} is not base64", e);
        }
    }

    /// <summary>The connection's two directions after the answer's headers went out.</summary>
    public static async Task<(Stream Input, Stream Output)> TakeOverAsync(HttpContext http, string contentType)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.ContentType = contentType;
        if (http.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
        {
            if (http.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>() is { } items)
            {
                items.Items[HalfCloseConnection.HijackedKey] = true;
            }

            http.Response.Headers.Connection = "Upgrade";
            http.Response.Headers.Upgrade = "tcp";
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                // What follows is the client's stdin, a stream without an end, not a body to bound.
                limit.MaxRequestBodySize = null;
            }

            var stream = await upgrade.UpgradeAsync();
            return (stream, stream);
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        await http.Response.StartAsync(http.RequestAborted);
        return (http.Request.Body, http.Response.Body);
    }
}
