using System.Text;
using System.Text.Json;
using Minato.Docker.Events;
using Minato.Docker.Http;

namespace Minato.Tests.Docker.Events;

public sealed class DockerEventsTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).AddTicks(1234567);

    [Fact]
    public void Publish_ContainerEvent_JsonIsDockerdsShapeByteForByte()
    {
        var events = new DockerEvents(new FixedTime(At));

        var message = events.Publish("container", "die", "abc123", new Dictionary<string, string> { ["exitCode"] = "3", ["image"] = "busybox" });

        Assert.Equal(
            """{"status":"die","id":"abc123","from":"busybox","Type":"container","Action":"die","Actor":{"ID":"abc123","Attributes":{"exitCode":"3","image":"busybox"}},"scope":"local","time":1700000000,"timeNano":1700000000123456700}""",
            Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(message, DockerJson.Default.DockerEvent)));
    }

    [Fact]
    public void Publish_VolumeEvent_HasNoLegacyFields()
    {
        var message = new DockerEvents(new FixedTime(At)).Publish("volume", "create", "data", new Dictionary<string, string> { ["driver"] = "local" });

        Assert.Equal(
            """{"Type":"volume","Action":"create","Actor":{"ID":"data","Attributes":{"driver":"local"}},"scope":"local","time":1700000000,"timeNano":1700000000123456700}""",
            Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(message, DockerJson.Default.DockerEvent)));
    }

    [Fact]
    public void Subscribe_MoreThanCapacity_BacklogKeepsTheNewest()
    {
        var events = new DockerEvents(new FixedTime(At));
        for (var i = 0; i < DockerEvents.Capacity + 5; i++)
        {
            events.Publish("volume", "create", $"v{i}");
        }

        var (backlog, _, subscription) = events.Subscribe();
        subscription.Dispose();

        Assert.Equal(DockerEvents.Capacity, backlog.Count);
        Assert.Equal("v5", backlog[0].Actor.ID);
    }

    [Fact]
    public async Task Subscribe_LaterEvent_ArrivesOnTheLiveReaderOnly()
    {
        var events = new DockerEvents(new FixedTime(At));
        events.Publish("volume", "create", "before");
        var (backlog, live, subscription) = events.Subscribe();

        events.Publish("volume", "destroy", "after");
        subscription.Dispose();
        var received = await live.ReadAllAsync().ToListAsync();

        Assert.Equal(["before"], backlog.Select(e => e.Actor.ID));
        Assert.Equal(["after"], received.Select(e => e.Actor.ID));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
