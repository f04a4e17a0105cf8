using System.Threading.Channels;
using Minato.Cri.Streaming;

namespace Minato.Streaming;

/// <summary>Runs an exec or attach through the core once a protocol has gathered the client's streams.</summary>
internal static class RemoteCommandRunner
{
    /// <summary>The status to report, or null when the client went away (there is nobody to report to).</summary>
    public static async Task<RemoteCommandStatus?> RunAsync(IContainerStreams core, RemoteCommand command, StreamingSession session, CancellationToken cancellationToken)
    {
        try
        {
            if (command.IsAttach)
            {
                await core.AttachAsync(command.ContainerId, session, cancellationToken);
                return RemoteCommandStatus.Success;
            }

            var exitCode = await core.ExecAsync(command.ContainerId, command.Command!, session, cancellationToken);
            return RemoteCommandStatus.ForExitCode(exitCode);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var verb = command.IsAttach ? "attaching to container" : "executing command in container";
            return RemoteCommandStatus.Internal($"error {verb}: {e.Message}");
        }
    }

    /// <summary>Reads resize JSON objects (one after another, as Go's json.Encoder writes them) into sizes.</summary>
    public static async Task ReadResizesAsync(Stream input, ChannelWriter<TerminalSize> sizes, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in System.Text.Json.JsonSerializer.DeserializeAsyncEnumerable(
                input, StatusJson.Default.ResizeMessage, topLevelValues: true, cancellationToken))
            {
                if (message is not null)
                {
                    await sizes.WriteAsync(new TerminalSize(message.Width, message.Height), cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or OperationCanceledException or IOException)
        {
            // A malformed or abandoned resize stream ends resizing, not the session.
        }
        finally
        {
            sizes.TryComplete();
        }
    }
}
