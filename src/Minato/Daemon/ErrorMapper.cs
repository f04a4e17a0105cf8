using Grpc.Core;
using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Registry;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Network;
using Minato.Engine.Oci;

namespace Minato.Daemon;

/// <summary>The one place where core exceptions become gRPC status codes.</summary>
internal static class ErrorMapper
{
    /// <summary>Maps an exception from the core to the status the CRI caller receives.</summary>
    public static Status ToStatus(Exception exception, CancellationToken callCancelled) => exception switch
    {
        RpcException rpc => rpc.Status,
        NotFoundException e => new Status(StatusCode.NotFound, e.Message),
        InvalidInputException e => new Status(StatusCode.InvalidArgument, e.Message),
        AlreadyExistsException e => new Status(StatusCode.AlreadyExists, e.Message),
        PreconditionException e => new Status(StatusCode.FailedPrecondition, e.Message),
        OverloadedException e => new Status(StatusCode.ResourceExhausted, e.Message),

        // A full image filesystem, its min_free_space reserve or max_layer_size: the node's limit, not bad data.
        StorageLimitException e => new Status(StatusCode.ResourceExhausted, e.Message),

        // Any other write a full filesystem refused (a bundle file, a pod's hosts file): the node's limit too.
        _ when Engine.Linux.FileSystemSpace.IsNoSpace(exception) =>
            new Status(StatusCode.ResourceExhausted, $"no space left on device: {exception.Message}"),
        OperationCanceledException when callCancelled.IsCancellationRequested =>
            new Status(StatusCode.Cancelled, "the call was cancelled by the client or the daemon is shutting down"),
        TimeoutException e => new Status(StatusCode.DeadlineExceeded, e.Message),
        InvalidDigestException e => new Status(StatusCode.InvalidArgument, e.Message),
        UnsupportedImageException e => new Status(StatusCode.FailedPrecondition, e.Message),
        RegistryException e => new Status(e.Failure switch
        {
            RegistryFailure.NotFound => StatusCode.NotFound,
            RegistryFailure.Unauthorized or RegistryFailure.Blocked => StatusCode.PermissionDenied,
            _ => StatusCode.Unavailable,
        }, e.Message),
        ContentVerificationException or MalformedLayerException or UnsafeLayerException or SizeLimitExceededException =>
            new Status(StatusCode.DataLoss, exception.Message),

        // A registry connection that broke in the middle of a blob (reset, closed early, the registry's process gone): the
        // registry's side, and a retry may work.
        HttpIOException or HttpRequestException => new Status(StatusCode.Unavailable, $"the registry connection broke: {exception.Message}"),
        IOException { InnerException: System.Net.Sockets.SocketException } =>
            new Status(StatusCode.Unavailable, $"the registry connection broke: {exception.Message}"),

        // A CNI plugin's own error: neither the caller's fault nor a bug in Minato, so Unknown as other runtimes answer.
        CniException e => new Status(StatusCode.Unknown, e.Message),

        // The OCI runtime's own refusal (its message included), as containerd and CRI-O report it.
        OciRuntimeException e => new Status(StatusCode.Unknown, e.Message),
        _ => new Status(StatusCode.Internal, exception.Message),
    };
}
