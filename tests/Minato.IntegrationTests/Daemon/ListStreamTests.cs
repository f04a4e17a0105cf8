using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;
using Minato.Testing;

namespace Minato.IntegrationTests.Daemon;

/// <summary>
/// The Stream* list RPCs against their unary twins through the real daemon, with a chunk of 2 objects
/// (<c>list_stream_chunk_size</c>) so a handful of pods, containers and images spans several messages.
/// </summary>
public sealed class ListStreamTests(ListStreamFixture fixture) : IClassFixture<ListStreamFixture>
{
    private const int ChunkSize = ListStreamFixture.ChunkSize;
    private const int PodCount = ListStreamFixture.PodCount;

    private TestNode Node => fixture.Node;

    private List<string> PodIds => fixture.PodIds;

    private List<string> ContainerIds => fixture.ContainerIds;

    private RuntimeService.RuntimeServiceClient Runtime => Node.Runtime;

    [Fact]
    public async Task StreamPodSandboxes_MorePodsThanAChunk_SameSetAsListInChunksOfTheConfiguredSize()
    {
        var messages = await ReadAllAsync(Runtime.StreamPodSandboxes(new StreamPodSandboxesRequest()).ResponseStream);

        var listed = (await Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items;
        Assert.Equal(PodCount, listed.Count);
        Assert.Equal((PodCount + ChunkSize - 1) / ChunkSize, messages.Count);
        Assert.All(messages, m => Assert.InRange(m.PodSandboxes.Count, 1, ChunkSize));
        Assert.Equal(listed.OrderBy(p => p.Id), messages.SelectMany(m => m.PodSandboxes).OrderBy(p => p.Id));
    }

    [Fact]
    public async Task StreamPodSandboxes_LabelFilter_OnlyTheMatchingPods()
    {
        var filter = new PodSandboxFilter { LabelSelector = { ["stream-test"] = "rest" } };

        var messages = await ReadAllAsync(Runtime.StreamPodSandboxes(new StreamPodSandboxesRequest { Filter = filter }).ResponseStream);

        Assert.Equal(PodIds.Skip(1).Order(), messages.SelectMany(m => m.PodSandboxes).Select(p => p.Id).Order());
    }

    [Fact]
    public async Task StreamPodSandboxes_UnknownId_NoMessageAsTheUnaryListIsEmpty()
    {
        var filter = new PodSandboxFilter { Id = "0123456789abcdef" };

        var messages = await ReadAllAsync(Runtime.StreamPodSandboxes(new StreamPodSandboxesRequest { Filter = filter }).ResponseStream);

        Assert.Empty((await Runtime.ListPodSandboxAsync(new ListPodSandboxRequest { Filter = filter })).Items);
        Assert.Empty(messages);
    }

    [Fact]
    public async Task StreamContainers_MoreContainersThanAChunk_SameAsListAndPodFilterHonoured()
    {
        var all = await ReadAllAsync(Runtime.StreamContainers(new StreamContainersRequest()).ResponseStream);
        var ofOtherPod = await ReadAllAsync(Runtime.StreamContainers(new StreamContainersRequest
        {
            Filter = new ContainerFilter { PodSandboxId = PodIds[1] },
        }).ResponseStream);
        var byLabel = await ReadAllAsync(Runtime.StreamContainers(new StreamContainersRequest
        {
            Filter = new ContainerFilter { LabelSelector = { ["index"] = "1" } },
        }).ResponseStream);

        var listed = (await Runtime.ListContainersAsync(new ListContainersRequest())).Containers;
        Assert.Equal(2, all.Count);
        Assert.Equal(listed.OrderBy(c => c.Id), all.SelectMany(m => m.Containers).OrderBy(c => c.Id));
        Assert.Equal(ContainerIds.Order(), all.SelectMany(m => m.Containers).Select(c => c.Id).Order());
        Assert.Empty(ofOtherPod);
        Assert.Equal(ContainerIds[1], Assert.Single(Assert.Single(byLabel).Containers).Id);
    }

    [Fact]
    public async Task StreamContainerStats_MoreContainersThanAChunk_StatsOfTheSameContainersAsList()
    {
        var messages = await ReadAllAsync(Runtime.StreamContainerStats(new StreamContainerStatsRequest()).ResponseStream);
        var one = await ReadAllAsync(Runtime.StreamContainerStats(new StreamContainerStatsRequest
        {
            Filter = new ContainerStatsFilter { Id = ContainerIds[2] },
        }).ResponseStream);

        var listed = (await Runtime.ListContainerStatsAsync(new ListContainerStatsRequest())).Stats;
        Assert.Equal(2, messages.Count);
        Assert.Equal(
            listed.Select(s => s.Attributes.Id).Order(),
            messages.SelectMany(m => m.ContainerStats).Select(s => s.Attributes.Id).Order());
        Assert.All(messages.SelectMany(m => m.ContainerStats), s => Assert.NotNull(s.WritableLayer));
        Assert.Equal(ContainerIds[2], Assert.Single(Assert.Single(one).ContainerStats).Attributes.Id);
    }

    [Fact]
    public async Task StreamPodSandboxStats_MorePodsThanAChunk_StatsOfTheSamePodsWithTheirContainers()
    {
        var messages = await ReadAllAsync(Runtime.StreamPodSandboxStats(new StreamPodSandboxStatsRequest()).ResponseStream);
        var first = await ReadAllAsync(Runtime.StreamPodSandboxStats(new StreamPodSandboxStatsRequest
        {
            Filter = new PodSandboxStatsFilter { LabelSelector = { ["stream-test"] = "first" } },
        }).ResponseStream);

        var listed = (await Runtime.ListPodSandboxStatsAsync(new ListPodSandboxStatsRequest())).Stats;
        Assert.Equal(3, messages.Count);
        Assert.Equal(
            listed.Select(s => s.Attributes.Id).Order(),
            messages.SelectMany(m => m.PodSandboxStats).Select(s => s.Attributes.Id).Order());
        var firstStats = Assert.Single(Assert.Single(first).PodSandboxStats);
        Assert.Equal(PodIds[0], firstStats.Attributes.Id);
        Assert.Equal(ContainerIds.Order(), firstStats.Linux.Containers.Select(c => c.Attributes.Id).Order());
    }

    [Fact]
    public async Task StreamPodSandboxMetrics_MorePodsThanAChunk_MetricsOfEveryPod()
    {
        var messages = await ReadAllAsync(Runtime.StreamPodSandboxMetrics(new StreamPodSandboxMetricsRequest()).ResponseStream);

        var listed = (await Runtime.ListPodSandboxMetricsAsync(new ListPodSandboxMetricsRequest())).PodMetrics;
        Assert.Equal(3, messages.Count);
        Assert.Equal(listed.Select(m => m.PodSandboxId).Order(), messages.SelectMany(m => m.PodSandboxMetrics).Select(m => m.PodSandboxId).Order());
        Assert.Equal(PodIds.Order(), messages.SelectMany(m => m.PodSandboxMetrics).Select(m => m.PodSandboxId).Order());
    }

    [Fact]
    public async Task StreamImages_MoreImagesThanAChunk_SameAsListAndFilterHonoured()
    {
        await Node.Registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.BusyboxUser("app")), "test/stream:1");
        await Node.Registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.BusyboxUser("1000:29")), "test/stream:2");
        foreach (var tag in new[] { "1", "2" })
        {
            await Node.Daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = $"{Node.Registry.Host}/test/stream:{tag}" } });
        }

        var messages = await ReadAllAsync(Node.Daemon.Images.StreamImages(new StreamImagesRequest()).ResponseStream);
        var busybox = await ReadAllAsync(Node.Daemon.Images.StreamImages(new StreamImagesRequest
        {
            Filter = new ImageFilter { Image = new ImageSpec { Image = Node.Busybox } },
        }).ResponseStream);

        var listed = (await Node.Daemon.Images.ListImagesAsync(new ListImagesRequest())).Images;
        Assert.Equal(3, listed.Count);
        Assert.Equal(2, messages.Count);
        Assert.Equal(listed, messages.SelectMany(m => m.Images));
        Assert.Contains(Node.Busybox, Assert.Single(Assert.Single(busybox).Images).RepoTags);
    }

    [Fact]
    public async Task StreamImages_MalformedFilter_InvalidArgumentAsListImages()
    {
        var filter = new ImageFilter { Image = new ImageSpec { Image = "UPPER/Case:bad tag" } };

        var unary = await Assert.ThrowsAsync<RpcException>(async () => await Node.Daemon.Images.ListImagesAsync(new ListImagesRequest { Filter = filter }));
        var streamed = await Assert.ThrowsAsync<RpcException>(async () =>
            await ReadAllAsync(Node.Daemon.Images.StreamImages(new StreamImagesRequest { Filter = filter }).ResponseStream));

        Assert.Equal(StatusCode.InvalidArgument, unary.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, streamed.StatusCode);
        Assert.Equal(unary.Status.Detail, streamed.Status.Detail);
    }

    [Fact]
    public async Task StreamPodSandboxes_CancelledAfterTheFirstMessage_CallEndsCancelledAndTheDaemonStillServes()
    {
        using var cancel = new CancellationTokenSource();
        using (var call = Runtime.StreamPodSandboxes(new StreamPodSandboxesRequest(), cancellationToken: cancel.Token))
        {
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            await cancel.CancelAsync();

            var e = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                }
            });
            Assert.Equal(StatusCode.Cancelled, e.StatusCode);
        }

        var again = await ReadAllAsync(Runtime.StreamPodSandboxes(new StreamPodSandboxesRequest()).ResponseStream);
        Assert.Equal(PodCount, again.Sum(m => m.PodSandboxes.Count));
    }

    private static async Task<List<T>> ReadAllAsync<T>(IAsyncStreamReader<T> stream)
    {
        var messages = new List<T>();
        while (await stream.MoveNext(CancellationToken.None))
        {
            messages.Add(stream.Current);
        }

        return messages;
    }
}

/// <summary>One daemon with <see cref="ChunkSize"/>-object chunks, <see cref="PodCount"/> pods and <see cref="ContainerCount"/> created containers in the first.</summary>
public sealed class ListStreamFixture : IAsyncLifetime
{
    public const int ChunkSize = 2;
    public const int PodCount = 5;
    public const int ContainerCount = 3;

    private string _configDir = null!;

    public TestNode Node { get; private set; } = null!;

    public List<string> PodIds { get; } = [];

    public List<string> ContainerIds { get; } = [];

    public async Task InitializeAsync()
    {
        _configDir = Directory.CreateTempSubdirectory("minato-it-config-").FullName;
        var configFile = Path.Combine(_configDir, "minato.toml");
        await File.WriteAllTextAsync(configFile, $"list_stream_chunk_size = {ChunkSize}\n");
        Node = await TestNode.StartAsync(pullBusybox: true, "--config", configFile);
        PodSandboxConfig? first = null;
        for (var i = 0; i < PodCount; i++)
        {
            var pod = Node.NewPod();
            pod.Labels["stream-test"] = i == 0 ? "first" : "rest";
            first ??= pod;
            PodIds.Add((await Node.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = pod })).PodSandboxId);
        }

        for (var i = 0; i < ContainerCount; i++)
        {
            var config = ContainerPodFixture.Config($"c{i}", "sleep", "300");
            config.Image = new ImageSpec { Image = Node.Busybox };
            config.Labels["index"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            ContainerIds.Add((await Node.Runtime.CreateContainerAsync(new CreateContainerRequest
            {
                PodSandboxId = PodIds[0],
                Config = config,
                SandboxConfig = first,
            })).ContainerId);
        }
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        Directory.Delete(_configDir, recursive: true);
    }
}
