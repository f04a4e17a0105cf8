using Minato.Engine.Images.Store;

namespace Minato.Engine.Images.Pull;

/// <summary>One running pull and the callers waiting for it; cancelled when the last caller leaves.</summary>
#pragma warning disable CA1001 // The token source is disposed when the work ends, under the same lock as every Cancel.
internal sealed class SharedPull
#pragma warning restore CA1001
{
    private readonly Lock sync = new();
    private readonly CancellationTokenSource cancel = new();
    private int waiters;
    private bool closed;
    private Task<ImageRecord>? task;

    public PullProgress Progress { get; } = new();

    public Task<ImageRecord> Task => task!;

    /// <summary>Adds a caller; false once the pull has been abandoned.</summary>
    public bool TryJoin()
    {
        lock (sync)
        {
            if (closed)
            {
                return false;
            }

            waiters++;
            return true;
        }
    }

    /// <summary>Starts the work once; <paramref name="onDone"/> runs when it ends, however it ends.</summary>
    public void Start(Func<CancellationToken, Task<ImageRecord>> work, Action onDone)
    {
        lock (sync)
        {
            if (task is not null)
            {
                return;
            }

            task = System.Threading.Tasks.Task.Run(async () =>
            {
                try
                {
                    return await work(cancel.Token);
                }
                finally
                {
                    lock (sync)
                    {
                        closed = true;
                        cancel.Dispose();
                    }

                    onDone();
                }
            });
        }
    }

    /// <summary>Removes a caller; the last one to leave an unfinished pull cancels it.</summary>
    public void Leave()
    {
        lock (sync)
        {
            if (--waiters == 0 && !closed)
            {
                closed = true;
                cancel.Cancel();
            }
        }
    }
}
