using Grpc.Core;

namespace Minato.Bench.Cri.Workloads;

/// <summary>Sorts a workload's exception into "not supported" (the runtime answered UNIMPLEMENTED somewhere on the way)
/// or a plain failure, with a one-line reason for the report.</summary>
internal static class Failure
{
    public static (bool Unsupported, string Reason) Describe(Exception exception, string step)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is RpcException { StatusCode: StatusCode.Unimplemented } rpc)
            {
                return (true, $"{step}: UNIMPLEMENTED ({OneLine(rpc.Status.Detail)})");
            }
        }

        var message = exception is RpcException r ? $"{r.StatusCode}: {r.Status.Detail}" : $"{exception.GetType().Name}: {exception.Message}";
        return (false, $"{step}: {OneLine(message)}");
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}
