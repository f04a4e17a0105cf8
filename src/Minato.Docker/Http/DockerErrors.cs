using Microsoft.AspNetCore.Http;
using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Registry;
using Minato.Engine.Images.Snapshots;

namespace Minato.Docker.Http;

/// <summary>The one place where engine exceptions become the HTTP statuses dockerd answers with.</summary>
public static class DockerErrors
{
    /// <summary>
    /// The status and message for <paramref name="exception"/>: 400 bad parameter, 404 no such object, 409 conflict, and
    /// 500 only for what no rule names (a real internal error).
    /// </summary>
    public static (int Status, string Message) Map(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var status = exception switch
        {
            DockerApiException e => e.Status,
            BadHttpRequestException e => e.StatusCode,
            NotFoundException => StatusCodes.Status404NotFound,
            InvalidInputException or InvalidDigestException => StatusCodes.Status400BadRequest,
            AlreadyExistsException or PreconditionException => StatusCodes.Status409Conflict,
            OverloadedException => StatusCodes.Status503ServiceUnavailable,
            TimeoutException => StatusCodes.Status504GatewayTimeout,

            // dockerd answers a full disk with 500; 507 says what it is, and the message names the filesystem and bound.
            StorageLimitException => StatusCodes.Status507InsufficientStorage,
            UnsupportedImageException => StatusCodes.Status400BadRequest,

            // dockerd: a registry's "manifest unknown" is 404, a refused login 401, a blocked registry 403, else 500.
            RegistryException e => e.Failure switch
            {
                RegistryFailure.NotFound => StatusCodes.Status404NotFound,
                RegistryFailure.Unauthorized => StatusCodes.Status401Unauthorized,
                RegistryFailure.Blocked => StatusCodes.Status403Forbidden,
                _ => StatusCodes.Status500InternalServerError,
            },
            ContentVerificationException or MalformedLayerException or UnsafeLayerException or SizeLimitExceededException =>
                StatusCodes.Status500InternalServerError,
            _ => StatusCodes.Status500InternalServerError,
        };
        return (status, exception.Message);
    }
}
