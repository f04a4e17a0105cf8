using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary><c>minato port-forward POD [LOCAL:]REMOTE...</c>: listen on 127.0.0.1 and forward each connection into the pod.</summary>
internal static class PortForwardCommand
{
    public static Command Create()
    {
        var pod = new Argument<string>("pod") { Description = "Pod sandbox id, unique id prefix, or name" };
        var ports = new Argument<string[]>("ports") { Description = "[LOCAL:]REMOTE; LOCAL omitted or 0 picks a free port", Arity = ArgumentArity.OneOrMore };
        var command = new Command("port-forward", "Forward local ports to ports in a pod's network namespace until Ctrl-C");
        command.Arguments.Add(pod);
        command.Arguments.Add(ports);
        ClientAction.Set(command, async (connection, parse, writer, cancellationToken) =>
        {
            var specs = parse.GetValue(ports)!.Select(ParseSpec).ToList();
            var podId = await ResolvePodAsync(connection, parse.GetValue(pod)!, cancellationToken);
            using var signals = new InterruptSignals(cancellationToken);
            var listeners = new List<TcpListener>();
            try
            {
                foreach (var (local, remote) in specs)
                {
                    var listener = new TcpListener(IPAddress.Loopback, local);
                    listeners.Add(listener);
                    try
                    {
                        listener.Start();
                    }
                    catch (SocketException e)
                    {
                        throw new CliException($"cannot listen on 127.0.0.1:{local}: {e.Message}", e);
                    }

                    await writer.WriteLineAsync($"Forwarding from 127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port} -> {remote}");
                }

                await writer.FlushAsync(cancellationToken);
                var error = parse.InvocationConfiguration.Error;
                await Task.WhenAll(listeners.Select((listener, i) => AcceptAsync(listener, connection, podId, specs[i].Remote, writer, error, signals.Token)));
            }
            finally
            {
                foreach (var listener in listeners)
                {
                    listener.Dispose();
                }
            }
        });
        return command;
    }

    /// <summary>Parses <c>[LOCAL:]REMOTE</c> as kubectl does (<c>:80</c> and <c>0:80</c> pick the local port).</summary>
    /// <exception cref="CliException">Not a port spec.</exception>
    internal static (int Local, int Remote) ParseSpec(string spec)
    {
        var parts = spec.Split(':');
        var remote = parts.Length is 1 or 2 ? Port(parts[^1], allowZero: false) : null;
        var local = parts.Length == 2 ? (parts[0].Length == 0 ? 0 : Port(parts[0], allowZero: true)) : remote;
        return remote is { } r && local is { } l
            ? (l, r)
            : throw new CliException($"\"{spec}\" is not [LOCAL:]REMOTE with ports from 1 to 65535");

        static int? Port(string text, bool allowZero) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535 && (port > 0 || allowZero) ? port : null;
    }

    /// <summary>The full id of the pod named by an id, a unique id prefix, or a unique name.</summary>
    private static async Task<string> ResolvePodAsync(CriConnection connection, string idOrName, CancellationToken cancellationToken)
    {
        var byId = await connection.Runtime.ListPodSandboxAsync(
            new ListPodSandboxRequest { Filter = new PodSandboxFilter { Id = idOrName } }, cancellationToken: cancellationToken);
        if (byId.Items.Count == 1)
        {
            return byId.Items[0].Id;
        }

        var all = await connection.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest(), cancellationToken: cancellationToken);
        var named = all.Items.Where(p => p.Metadata?.Name == idOrName).ToList();

        // An earlier pod of the same name may linger not ready; the ready one is meant.
        if (named.Count > 1)
        {
            named = [.. named.Where(p => p.State == PodSandboxState.SandboxReady)];
        }

        return named.Count switch
        {
            1 => named[0].Id,
            0 => throw new CliException($"no pod sandbox has the id, id prefix or name \"{idOrName}\""),
            _ => throw new CliException($"several pods are named \"{idOrName}\": {string.Join(", ", named.Select(p => p.Id[..13]))}"),
        };
    }

    private static async Task AcceptAsync(TcpListener listener, CriConnection connection, string podId, int remote, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var local = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await listener.AcceptSocketAsync(cancellationToken);
                await output.WriteLineAsync($"Handling connection for {local}");
                connections.RemoveAll(t => t.IsCompleted);
                connections.Add(PortForwardConnection.RunAsync(connection, podId, remote, client, error, cancellationToken));
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: stop accepting, then let the open connections see the cancellation.
        }

        await Task.WhenAll(connections);
    }
}
