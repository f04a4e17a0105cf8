using Minato.Cri.Api.V1;

namespace Minato.IntegrationTests.Streaming;

/// <summary>The kubelet's mapping from an API server streaming request to the CRI RPC that returns its URL.</summary>
public static class KubeletStreaming
{
    /// <summary>The streaming URL for <paramref name="call"/>: exec and attach go to <paramref name="containerId"/>,
    /// port-forward to <paramref name="podId"/>.</summary>
    public static async Task<Uri> UrlAsync(RuntimeService.RuntimeServiceClient runtime, string podId, string containerId, StreamingCall call)
    {
        var url = call.Subresource switch
        {
            "exec" => (await runtime.ExecAsync(Exec(containerId, call))).Url,
            "attach" => (await runtime.AttachAsync(new AttachRequest
            {
                ContainerId = containerId,
                Stdin = call.Flag("stdin"),
                Stdout = call.Flag("stdout"),
                Stderr = call.Flag("stderr"),
                Tty = call.Flag("tty"),
            })).Url,
            _ => (await runtime.PortForwardAsync(PortForward(podId, call))).Url,
        };
        return new Uri(url);
    }

    private static ExecRequest Exec(string containerId, StreamingCall call)
    {
        var request = new ExecRequest
        {
            ContainerId = containerId,
            Stdin = call.Flag("stdin"),
            Stdout = call.Flag("stdout"),
            Stderr = call.Flag("stderr"),
            Tty = call.Flag("tty"),
        };
        request.Cmd.AddRange(call.Command);
        return request;
    }

    /// <summary>kubectl names its ports in the streams' headers, not the query, so the list is usually empty.</summary>
    private static PortForwardRequest PortForward(string podId, StreamingCall call)
    {
        var request = new PortForwardRequest { PodSandboxId = podId };
        request.Port.AddRange((call.Query.GetValues("ports") ?? []).Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)));
        return request;
    }
}
