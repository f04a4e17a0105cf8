using Microsoft.AspNetCore.Http;

namespace Minato.Docker.Http;

/// <summary>An answer of the Docker front door that is not a success: its HTTP status and the message dockerd would give.</summary>
public sealed class DockerApiException : Exception
{
    public DockerApiException(int status, string message)
        : base(message) => Status = status;

    public DockerApiException(int status, string message, Exception inner)
        : base(message, inner) => Status = status;

    public DockerApiException()
        : this(StatusCodes.Status500InternalServerError, "internal error")
    {
    }

    public DockerApiException(string message)
        : this(StatusCodes.Status500InternalServerError, message)
    {
    }

    public DockerApiException(string message, Exception inner)
        : this(StatusCodes.Status500InternalServerError, message, inner)
    {
    }

    /// <summary>The HTTP status code.</summary>
    public int Status { get; }

    /// <summary>400: a parameter is wrong.</summary>
    public static DockerApiException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    /// <summary>404: no such object.</summary>
    public static DockerApiException NotFound(string message) => new(StatusCodes.Status404NotFound, message);

    /// <summary>409: the object's state forbids the operation.</summary>
    public static DockerApiException Conflict(string message) => new(StatusCodes.Status409Conflict, message);

    /// <summary>304: the object is already in the asked state (start or stop of a container).</summary>
    public static DockerApiException NotModified() => new(StatusCodes.Status304NotModified, "");
}
