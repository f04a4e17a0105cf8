using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Minato.Engine.Oci;

namespace Minato.Testing.Fakes;

/// <summary>An OCI runtime that keeps containers as states in memory, records every call, and ends a container's
/// process on a signal by having the monitor write its exit file (128 + signal), as a real process killed would.</summary>
public sealed class FakeOciRuntime : IOciRuntime, IOciRuntimes
{
    private readonly ConcurrentDictionary<string, string> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeContainerMonitor> _monitors = new(StringComparer.Ordinal);

    public FakeOciRuntime(string name = "runc") => Handler = new OciRuntimeHandler(name, "/bin/true", "/nonexistent/" + name);

    public OciRuntimeHandler Handler { get; }

    /// <summary>Every call, as "start ID", "kill ID 15", "delete ID", "update ID", "exec ID".</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>Signals the container's process survives (a process that traps SIGTERM).</summary>
    public HashSet<int> IgnoredSignals { get; } = [];

    /// <summary>When true, the process exits with 0 as soon as it is started.</summary>
    public bool ExitOnStart { get; set; }

    /// <summary>What an exec prints and returns, by its arguments; null makes the exec run until killed.</summary>
    public Func<IReadOnlyList<string>, (int Code, string Stdout, string Stderr)?> ExecBehaviour { get; set; } = _ => (0, string.Empty, string.Empty);

    /// <summary>The runtime's view of each container: created, running, stopped.</summary>
    public IReadOnlyDictionary<string, string> States => _states;

    public IOciRuntime? Find(string name) => name == Handler.Name ? this : null;

    /// <summary>Called by the fake monitor when it creates a container.</summary>
    public void Created(string id, FakeContainerMonitor monitor)
    {
        _states[id] = "created";
        _monitors[id] = monitor;
    }

    public Task StartAsync(string id, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"start {id}");
        if (!_states.TryGetValue(id, out var state) || state != "created")
        {
            throw new OciRuntimeException($"runc start failed: container {id} is not created");
        }

        _states[id] = "running";
        if (ExitOnStart)
        {
            End(id, 0);
        }

        return Task.CompletedTask;
    }

    public Task KillAsync(string id, int signal, bool all, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"kill {id} {signal}");
        if (!_states.TryGetValue(id, out var state) || state == "stopped")
        {
            throw new OciRuntimeException("runc kill failed: container not running");
        }

        if (!IgnoredSignals.Contains(signal))
        {
            End(id, 128 + signal);
        }

        return Task.CompletedTask;
    }

    public Task DeleteAsync(string id, bool force, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"delete {id}");
        return _states.TryRemove(id, out _) ? Task.CompletedTask : throw new OciRuntimeException($"runc delete failed: container {id} does not exist");
    }

    public Task<OciState?> StateAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_states.TryGetValue(id, out var state) ? new OciState(id, state, 1, null) : null);

    public Task PauseAsync(string id, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"pause {id}");
        return Task.CompletedTask;
    }

    public Task ResumeAsync(string id, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"resume {id}");
        return Task.CompletedTask;
    }

    public Task UpdateAsync(string id, string resourcesJson, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"update {id}");
        return Task.CompletedTask;
    }

    /// <summary>What the next checkpoint does with its image directory; the default writes one small image file.</summary>
    public Func<string, CancellationToken, Task> CheckpointBehaviour { get; set; } = async (imagePath, cancellationToken) =>
        await File.WriteAllTextAsync(Path.Combine(imagePath, "inventory.img"), "fake criu image", cancellationToken);

    public Task CheckpointAsync(string id, string imagePath, string workPath, bool leaveRunning, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"checkpoint {id}{(leaveRunning ? " --leave-running" : string.Empty)}");
        return CheckpointBehaviour(imagePath, cancellationToken);
    }

    public IExecProcess Exec(string id, ExecProcessFiles files, ExecStdio stdio)
    {
        Calls.Enqueue($"exec {id}");
        using var process = JsonDocument.Parse(File.ReadAllBytes(files.ProcessFile));
        var args = process.RootElement.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToList();
        return new FakeExecProcess(ExecBehaviour(args));
    }

    /// <summary>The container's process ends with <paramref name="code"/>.</summary>
    public void End(string id, int code)
    {
        _states[id] = "stopped";
        _monitors[id].Exit(id, code);
    }

    private sealed class FakeExecProcess : IExecProcess
    {
        private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public FakeExecProcess((int Code, string Stdout, string Stderr)? result)
        {
            if (result is { } done)
            {
                Stdout = new MemoryStream(Encoding.UTF8.GetBytes(done.Stdout));
                Stderr = new MemoryStream(Encoding.UTF8.GetBytes(done.Stderr));
                _exited.SetResult(done.Code);
            }
            else
            {
                // Runs until killed: its output pipes stay open until then.
                Stdout = new BlockingStream(_exited.Task);
                Stderr = new BlockingStream(_exited.Task);
            }
        }

        public Task<int> Exited => _exited.Task;

        public Stream? Stdin => null;

        public Stream? Stdout { get; }

        public Stream? Stderr { get; }

        public bool Killed { get; private set; }

        public void Resize(ushort columns, ushort rows)
        {
        }

        public Task KillAsync(TimeSpan timeout)
        {
            Killed = true;
            _exited.TrySetResult(137);
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            Stdout?.Dispose();
            Stderr?.Dispose();
        }
    }

    /// <summary>A pipe with nothing in it that reaches its end when the process does.</summary>
    private sealed class BlockingStream(Task exited) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await exited.WaitAsync(cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
