namespace Minato.Engine.Linux.Namespaces;

/// <summary>Runs a function on a new OS thread that ends with it.</summary>
/// <remarks>
/// Namespaces belong to threads. Changing them on a pool thread would leak a pod's namespace into unrelated
/// work if restoring failed; a thread of our own that exits afterwards cannot leak anything.
/// </remarks>
internal static class DedicatedThread
{
    public static Task<T> RunAsync<T>(string name, Func<T> action)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                completion.SetResult(action());
            }
            catch (Exception e)
            {
                completion.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return completion.Task;
    }
}
