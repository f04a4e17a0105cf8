using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;
using Minato.Engine;

namespace Minato.Docker.Events;

/// <summary><c>GET /events</c>: buffered events from <c>since</c>, then live ones until <c>until</c> or the client leaves.</summary>
public sealed class EventRoutes(DockerEvents events, EngineEventFeed feed, TimeProvider time) : IDockerRoutes
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    /// <summary>The feed is held so engine changes are published from the moment the router exists.</summary>
    public EngineEventFeed Feed { get; } = feed;

    public IEnumerable<DockerRoute> Routes() =>
    [
        new(HttpMethods.Get, "/events", StreamAsync, 0),
    ];

    private async Task StreamAsync(DockerRequest request)
    {
        var filter = EventFilter.Parse(request.Filters(), request.Query("since"), request.Query("until"));
        var (backlog, live, subscription) = events.Subscribe();
        using (subscription)
        {
            var response = request.Http.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";

            // Headers go out at once: the CLI waits for them before it shows anything, even with no event yet.
            await response.StartAsync(request.Aborted);
            foreach (var message in backlog.Where(filter.Matches))
            {
                await WriteAsync(response, message, request.Aborted);
            }

            var now = time.UnixNanoseconds();
            if (filter.Until <= now)
            {
                return;
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(request.Aborted);
            if (filter.Until != long.MaxValue)
            {
                deadline.CancelAfter(TimeSpan.FromTicks(Math.Min((filter.Until - now) / 100, TimeSpan.FromDays(365).Ticks)));
            }

            try
            {
                await foreach (var message in live.ReadAllAsync(deadline.Token))
                {
                    if (message.TimeNano > filter.Until)
                    {
                        return;
                    }

                    if (filter.Matches(message))
                    {
                        await WriteAsync(response, message, deadline.Token);
                    }
                }
            }
            catch (OperationCanceledException) when (!request.Aborted.IsCancellationRequested)
            {
                // until reached: the stream ends normally.
            }
        }
    }

    private static async Task WriteAsync(HttpResponse response, DockerEvent message, CancellationToken cancellationToken)
    {
        await JsonSerializer.SerializeAsync(response.Body, message, DockerJson.Default.DockerEvent, cancellationToken);
        await response.Body.WriteAsync(NewLine, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
