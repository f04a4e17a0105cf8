using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Minato.Testing.Streaming;

namespace Minato.IntegrationTests.Streaming;

/// <summary>An exec or attach session as kubectl opens it over SPDY: v4, an error stream, then stdin, stdout,
/// stderr and resize as the request asked for them.</summary>
public sealed class SpdyCommand : IAsyncDisposable
{
    private SpdyCommand(SpdyTestClient client, SpdyTestChannel error)
    {
        Client = client;
        Error = error;
    }

    public SpdyTestClient Client { get; }

    public SpdyTestChannel Error { get; }

    public SpdyTestChannel? Stdin { get; private set; }

    public SpdyTestChannel? Stdout { get; private set; }

    public SpdyTestChannel? Stderr { get; private set; }

    public SpdyTestChannel? Resize { get; private set; }

    /// <summary>Connects to <paramref name="url"/> and opens the streams; returns once the server replied to each.</summary>
    public static async Task<SpdyCommand> OpenAsync(string url, bool stdin, bool stdout, bool stderr, bool tty)
    {
        var client = await SpdyTestClient.ConnectAsync(new Uri(url), ["v4.channel.k8s.io"]);
        Assert.Equal(101, client.StatusCode);
        var session = new SpdyCommand(client, await client.OpenStreamAsync("error"));
        session.Stdin = stdin ? await client.OpenStreamAsync("stdin") : null;
        session.Stdout = stdout ? await client.OpenStreamAsync("stdout") : null;
        session.Stderr = stderr ? await client.OpenStreamAsync("stderr") : null;
        session.Resize = tty ? await client.OpenStreamAsync("resize") : null;
        foreach (var stream in new[] { session.Error, session.Stdin, session.Stdout, session.Stderr, session.Resize })
        {
            if (stream is not null)
            {
                await stream.Replied.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        return session;
    }

    /// <summary>Sends a terminal size the way client-go does: one JSON object per resize.</summary>
    public Task ResizeAsync(int width, int height) =>
        Resize!.WriteAsync($"{{\"Width\":{width},\"Height\":{height}}}");

    /// <summary>The v4 status from the error stream: "Success", or the exit code of a NonZeroExitCode failure.</summary>
    public async Task<(string Status, int? ExitCode)> StatusAsync(TimeSpan timeout)
    {
        var text = await Error.ReadTextToEndAsync().WaitAsync(timeout);
        using var json = JsonDocument.Parse(text);
        var status = json.RootElement.GetProperty("status").GetString()!;
        if (status == "Success")
        {
            return (status, null);
        }

        Assert.Equal("NonZeroExitCode", json.RootElement.GetProperty("reason").GetString());
        var cause = json.RootElement.GetProperty("details").GetProperty("causes")[0];
        Assert.Equal("ExitCode", cause.GetProperty("reason").GetString());
        return (status, int.Parse(cause.GetProperty("message").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A stream over a channel's data, for <see cref="TerminalScreen"/>.</summary>
    public static Stream AsStream(SpdyTestChannel channel)
    {
        var pipe = new Pipe();
        _ = PumpAsync(channel, pipe.Writer);
        return pipe.Reader.AsStream();
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();

    private static async Task PumpAsync(SpdyTestChannel channel, PipeWriter writer)
    {
        while (await channel.ReadChunkAsync() is { } chunk)
        {
            await writer.WriteAsync(chunk);
        }

        await writer.CompleteAsync();
    }

    /// <summary>Writes <paramref name="line"/> until <paramref name="expected"/> shows on the screen: a terminal
    /// may drop what is typed before the shell reads it, and a resize takes effect between two lines.</summary>
    public static async Task RetypeUntilAsync(SpdyTestChannel keyboard, TerminalScreen screen, string line, string expected)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await keyboard.WriteAsync(Encoding.ASCII.GetBytes(line));
            if (await screen.TryWaitForAsync(expected, TimeSpan.FromMilliseconds(300)))
            {
                return;
            }
        }

        throw new TimeoutException($"never saw {expected:Q}; screen: {screen.Text}");
    }
}
