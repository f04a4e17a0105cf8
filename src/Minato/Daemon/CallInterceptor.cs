using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Minato.Daemon;

/// <summary>Logs every CRI call with its duration and status, and maps core exceptions to gRPC statuses.</summary>
internal sealed class CallInterceptor(ILogger<CallInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await continuation(request, context);
            Completed(context.Method, StatusCode.OK, started);
            return response;
        }
        catch (Exception e)
        {
            throw Failed(context, e, started);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await continuation(request, responseStream, context);
            Completed(context.Method, StatusCode.OK, started);
        }
        catch (Exception e)
        {
            throw Failed(context, e, started);
        }
    }

    private RpcException Failed(ServerCallContext context, Exception exception, long started)
    {
        var status = ErrorMapper.ToStatus(exception, context.CancellationToken);
        if (status.StatusCode == StatusCode.Unimplemented && string.IsNullOrEmpty(status.Detail))
        {
            // The generated base classes answer with an empty detail; say what is missing.
            status = new Status(StatusCode.Unimplemented, $"minato {ProductVersion.Value} does not implement {context.Method} yet");
        }

        Completed(context.Method, status.StatusCode, started);
        if (status.StatusCode == StatusCode.Internal && exception is not RpcException)
        {
            DaemonLog.CallCrashed(logger, context.Method, exception);
        }
        else if (status.StatusCode is not (StatusCode.NotFound or StatusCode.Unimplemented or StatusCode.Cancelled))
        {
            // NotFound is routine (kubelet probes for removed objects); Unimplemented is expected while features land.
            DaemonLog.CallFailed(logger, context.Method, status.StatusCode, status.Detail);
        }

        return new RpcException(status);
    }

    private void Completed(string method, StatusCode code, long started)
    {
        Metrics.DaemonMeter.CriCall(method, code, started);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            DaemonLog.Call(logger, method, code, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
