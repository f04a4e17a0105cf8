using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Minato.Engine;
using Minato.Engine.Containers;

namespace Minato.Docker.Containers;

/// <summary>
/// Runs the health checks of running Docker containers as dockerd does: a probe every interval (every start interval
/// within the start period) through the engine's exec path, bounded by the timeout; the status turns healthy at the first
/// success and unhealthy after <c>Retries</c> failures in a row (failures in the start period do not count while it is
/// still starting). State lives in memory: a daemon restart starts over from <c>starting</c> for running containers.
/// </summary>
public sealed class HealthChecks : IDisposable
{
    /// <summary>Results kept for inspect (dockerd's <c>maxLogEntries</c>).</summary>
    public const int MaxLogEntries = 5;

    /// <summary>Bytes of a probe's output kept (dockerd's <c>maxOutputLen</c>).</summary>
    public const int MaxOutputBytes = 4096;

    /// <summary>dockerd's exit code of a probe that timed out or could not run.</summary>
    public const int ProbeFailedExitCode = -1;

    private readonly ContainerService _engine;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<string, string> _statusChanged;
    private readonly ConcurrentDictionary<string, ContainerHealth> _health = new(StringComparer.Ordinal);

    /// <param name="engine">Where probes run.</param>
    /// <param name="time">The clock of intervals and results.</param>
    /// <param name="logger">Where failing probe runs are logged.</param>
    /// <param name="statusChanged">Called with the container id and <c>health_status: STATUS</c> when a status changes.</param>
    public HealthChecks(ContainerService engine, TimeProvider time, ILogger logger, Action<string, string> statusChanged)
    {
        _engine = engine;
        _time = time;
        _logger = logger;
        _statusChanged = statusChanged;
    }

    /// <summary>The container's health as inspect shows it; null when it has no check.</summary>
    public HealthState? Get(string id) => _health.TryGetValue(id, out var health) ? health.Snapshot() : null;

    /// <summary><c>starting</c>, <c>healthy</c>, <c>unhealthy</c>, or <c>none</c> without a check.</summary>
    public string Status(string id) => _health.TryGetValue(id, out var health) ? health.Status : "none";

    /// <summary>Starts probing the container's new run (replacing an earlier run's probes); nothing without a check.</summary>
    public void Start(DockerContainer container, long startedAt)
    {
        ArgumentNullException.ThrowIfNull(container);
        var config = container.Config.Healthcheck;
        if (config is null || HealthPolicy.Command(config) is not { } command)
        {
            Forget(container.Id);
            return;
        }

        var health = new ContainerHealth();
        if (_health.TryGetValue(container.Id, out var previous))
        {
            previous.Stop();
        }

        _health[container.Id] = health;
        _ = Task.Run(() => ProbeAsync(container.Id, config, command, startedAt, health));
    }

    /// <summary>Stops probing (the container exited); its last state stays for inspect.</summary>
    public void Stop(string id)
    {
        if (_health.TryGetValue(id, out var health))
        {
            health.Stop();
        }
    }

    /// <summary>Stops probing and forgets the container (removed).</summary>
    public void Forget(string id)
    {
        if (_health.TryRemove(id, out var health))
        {
            health.Stop();
        }
    }

    public void Dispose()
    {
        foreach (var health in _health.Values)
        {
            health.Stop();
        }
    }

    private async Task ProbeAsync(string id, HealthConfig config, IReadOnlyList<string> command, long startedAt, ContainerHealth health)
    {
        var cancellationToken = health.Stopping;
        var started = ContainerViews.FromNanoseconds(startedAt);
        var timeout = HealthPolicy.Timeout(config);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var inStartPeriod = health.Status == "starting" && _time.GetUtcNow() - started < HealthPolicy.StartPeriod(config);
                await Task.Delay(inStartPeriod ? HealthPolicy.StartInterval(config) : HealthPolicy.Interval(config), _time, cancellationToken);
                var begin = _time.UnixNanoseconds();
                var (code, output) = await RunOnceAsync(id, command, timeout, cancellationToken);
                var end = _time.UnixNanoseconds();
                var countsAsFailure = !(health.Status == "starting" && ContainerViews.FromNanoseconds(begin) - started < HealthPolicy.StartPeriod(config));
                if (health.Record(new HealthcheckResult(ContainerViews.Time(begin), ContainerViews.Time(end), code, output), countsAsFailure, HealthPolicy.Retries(config)) is { } changed)
                {
                    _statusChanged(id, "health_status: " + changed);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the container exited, was removed, or the daemon stops.
        }
        finally
        {
            health.Dispose();
        }
    }

    private async Task<(int Code, string Output)> RunOnceAsync(string id, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var begin = _time.GetTimestamp();
        try
        {
            var result = await _engine.ExecSyncAsync(id, command, timeout, cancellationToken);
            if (result.ExitCode == ContainerService.ExecTimeoutExitCode && _time.GetElapsedTime(begin) >= timeout)
            {
                return (ProbeFailedExitCode, $"Health check exceeded timeout ({GoDuration(timeout)})");
            }

            return (result.ExitCode, Bounded([.. result.Stdout, .. result.Stderr]));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            DockerLog.HealthProbeFailed(_logger, id, e);
            return (ProbeFailedExitCode, Bounded(Encoding.UTF8.GetBytes(e.Message)));
        }
    }

    /// <summary>The output's first <see cref="MaxOutputBytes"/> bytes as text.</summary>
    private static string Bounded(byte[] output) =>
        Encoding.UTF8.GetString(output, 0, Math.Min(output.Length, MaxOutputBytes));

    /// <summary>A timeout as Go prints a <c>time.Duration</c> (<c>30s</c>, <c>1.5s</c>, <c>500ms</c>).</summary>
    public static string GoDuration(TimeSpan span) => span.TotalSeconds >= 1
        ? span.TotalSeconds.ToString("0.#########", CultureInfo.InvariantCulture) + "s"
        : span.TotalMilliseconds.ToString("0.######", CultureInfo.InvariantCulture) + "ms";

    /// <summary>One run's health: status, failing streak and the last results, and the probes' cancellation.</summary>
    private sealed class ContainerHealth : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly CancellationTokenSource _stopping = new();
        private readonly Queue<HealthcheckResult> _log = new();
        private string _status = "starting";
        private int _failingStreak;

        public CancellationToken Stopping => _stopping.Token;

        public string Status
        {
            get
            {
                lock (_gate)
                {
                    return _status;
                }
            }
        }

        public void Stop()
        {
            try
            {
                _stopping.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Stopped before.
            }
        }

        public void Dispose() => _stopping.Dispose();

        public HealthState Snapshot()
        {
            lock (_gate)
            {
                return new HealthState(_status, _failingStreak, [.. _log]);
            }
        }

        /// <summary>Records a result; returns the new status when it changed.</summary>
        public string? Record(HealthcheckResult result, bool countsAsFailure, int retries)
        {
            lock (_gate)
            {
                _log.Enqueue(result);
                while (_log.Count > MaxLogEntries)
                {
                    _log.Dequeue();
                }

                var before = _status;
                if (result.ExitCode == 0)
                {
                    _failingStreak = 0;
                    _status = "healthy";
                }
                else if (countsAsFailure)
                {
                    _failingStreak++;
                    if (_failingStreak >= retries)
                    {
                        _status = "unhealthy";
                    }
                }

                return _status != before ? _status : null;
            }
        }
    }
}
