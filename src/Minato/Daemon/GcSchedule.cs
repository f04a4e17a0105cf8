using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Minato.Engine.Disk;

namespace Minato.Daemon;

/// <summary>Runs garbage collection every <c>[gc] interval</c> while the daemon serves.</summary>
internal sealed class GcSchedule(GarbageCollector collector, TimeSpan interval, TimeProvider time, ILogger<GcSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await collector.CollectAsync("schedule", stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One failed run (a file in use, a full disk) must not end the schedule.
                DaemonLog.GcFailed(logger, e);
            }
        }
    }
}
