using System.Collections.Concurrent;
using System.Security.Cryptography;
using Minato.Docker.Http;
using Minato.Engine.Oci;

namespace Minato.Docker.Exec;

/// <summary>One exec instance: made by create, run once by start, inspected for its exit code afterwards.</summary>
public sealed class ExecSession(string id, string containerId, ExecCreateRequest request)
{
    public string Id => id;

    public string ContainerId => containerId;

    public ExecCreateRequest Request => request;

    /// <summary>Set once by start; a second start is a conflict.</summary>
    public IExecProcess? Process { get; set; }

    public bool Running { get; set; }

    public int? ExitCode { get; set; }

    /// <summary>Claims the right to start; false when it was started already.</summary>
    public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

    private int _claimed;
}

/// <summary>The exec instances of the daemon's lifetime (dockerd keeps them in memory too), bounded.</summary>
public sealed class ExecSessions
{
    /// <summary>Most instances kept; finished ones go first when full.</summary>
    public const int MaxSessions = 4096;

    private readonly ConcurrentDictionary<string, ExecSession> _sessions = new(StringComparer.Ordinal);

    public ExecSession Add(string containerId, ExecCreateRequest request)
    {
        if (_sessions.Count >= MaxSessions)
        {
            foreach (var done in _sessions.Values.Where(s => s.ExitCode is not null).Take(MaxSessions / 4).ToList())
            {
                _sessions.TryRemove(done.Id, out _);
            }

            if (_sessions.Count >= MaxSessions)
            {
                throw new DockerApiException(503, $"too many exec instances (at most {MaxSessions})");
            }
        }

        var session = new ExecSession(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), containerId, request);
        _sessions[session.Id] = session;
        return session;
    }

    /// <exception cref="DockerApiException">404 <c>No such exec instance: id</c>.</exception>
    public ExecSession Get(string id) =>
        _sessions.GetValueOrDefault(id) ?? throw DockerApiException.NotFound($"No such exec instance: {id}");

    /// <summary>Forgets the instances of a removed container.</summary>
    public void ForgetContainer(string containerId)
    {
        foreach (var session in _sessions.Values.Where(s => s.ContainerId == containerId).ToList())
        {
            _sessions.TryRemove(session.Id, out _);
        }
    }
}
