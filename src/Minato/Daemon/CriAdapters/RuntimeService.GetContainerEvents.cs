using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>GetContainerEvents: the container lifecycle's events, streamed until the client leaves or the daemon stops.</summary>
internal sealed partial class RuntimeServiceAdapter
{
    public override async Task GetContainerEvents(GetEventsRequest request, IServerStreamWriter<ContainerEventResponse> responseStream, ServerCallContext context)
    {
        using var subscription = events.Subscribe();

        // Headers now tell the client it is subscribed: every change after this point reaches it.
        await context.WriteResponseHeadersAsync([]);

        // Kestrel waits for open calls when it stops: an endless stream must end on ApplicationStopping, or it holds
        // the daemon up until the shutdown timeout.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await foreach (var containerEvent in subscription.Reader.ReadAllAsync(ended.Token))
            {
                await responseStream.WriteAsync(ContainerEventMapper.ToProto(containerEvent), ended.Token);
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // The daemon stops: end the stream normally; the kubelet resubscribes to the next daemon.
        }
    }
}
