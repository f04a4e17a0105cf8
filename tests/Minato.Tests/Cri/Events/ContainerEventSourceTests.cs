using Minato.Cri.Events;
using Minato.Engine.Errors;

namespace Minato.Tests.Cri.Events;

public sealed class ContainerEventSourceTests
{
    [Fact]
    public async Task Publish_TwoSubscribers_EachSeesEveryEventInOrder()
    {
        var source = new ContainerEventSource();
        using var first = source.Subscribe();
        using var second = source.Subscribe();

        source.Publish(Event("a", ContainerEventKind.Created));
        source.Publish(Event("a", ContainerEventKind.Started));

        foreach (var subscription in new[] { first, second })
        {
            Assert.Equal(ContainerEventKind.Created, (await subscription.Reader.ReadAsync()).Kind);
            Assert.Equal(ContainerEventKind.Started, (await subscription.Reader.ReadAsync()).Kind);
        }
    }

    [Fact]
    public async Task Publish_SubscriberFallsBehind_ItIsEndedWithOverloadedAndOthersKeepReceiving()
    {
        var source = new ContainerEventSource(capacity: 2);
        using var slow = source.Subscribe();
        using var fast = source.Subscribe();

        for (var i = 0; i < 3; i++)
        {
            source.Publish(Event($"c{i}", ContainerEventKind.Created));
            if (i < 2)
            {
                await fast.Reader.ReadAsync();
            }
        }

        Assert.Equal("c0", (await slow.Reader.ReadAsync()).ContainerId);
        Assert.Equal("c1", (await slow.Reader.ReadAsync()).ContainerId);
        await Assert.ThrowsAsync<OverloadedException>(async () => await slow.Reader.WaitToReadAsync());
        Assert.Equal("c2", (await fast.Reader.ReadAsync()).ContainerId);
    }

    [Fact]
    public async Task Dispose_Subscription_StopsReceivingAndLeavesNoSubscriber()
    {
        var source = new ContainerEventSource();
        var subscription = source.Subscribe();
        Assert.True(source.HasSubscribers);

        subscription.Dispose();
        source.Publish(Event("a", ContainerEventKind.Deleted));

        Assert.False(source.HasSubscribers);
        Assert.False(await subscription.Reader.WaitToReadAsync());
    }

    private static ContainerEvent Event(string id, ContainerEventKind kind) => new(id, kind, 1, null, []);
}
