using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.IntegrationTests.Containers;

/// <summary>Users and groups through the daemon: image USER and CRI run_as_*, resolved against the image's
/// /etc/passwd and /etc/group, as the kernel reports them in the container's /proc/self/status.</summary>
[Collection(SharedContainerPod.Name)]
public sealed class ContainerUserTests(ContainerPodFixture fixture)
{
    private const long TooLarge = 2147483648;

    public static TheoryData<string, int?, long?, string, long?, long[], string, string, string> Users => new()
    {
        // name, image (index into ImageUsers), run_as_user, run_as_username, run_as_group, supplemental, Uid, Gid, Groups
        { "image-busybox", null, null, "", null, [], "0", "0", "0 10" },
        { "image-name", 0, null, "", null, [], "1000", "1000", "10 29 100 1000" },
        { "image-uid-gid", 1, null, "", null, [], "1000", "29", "10 29 100" },
        { "image-name-group", 2, null, "", null, [], "1000", "100", "10 29 100" },
        { "cri-uid", null, 1000, "", null, [], "1000", "1000", "10 29 100 1000" },
        { "cri-uid-gid", null, 1000, "", 100, [5000], "1000", "100", "10 29 100 5000" },
        { "cri-name", null, null, "app", null, [], "1000", "1000", "10 29 100 1000" },
        { "cri-name-gid", null, null, "app", 29, [], "1000", "29", "10 29 100" },
        { "cri-over-image", 0, 65534, "", null, [], "65534", "65534", "65534" },
        { "cri-unknown-uid", null, 4242, "", null, [7], "4242", "0", "0 7" },
    };

    [Theory]
    [MemberData(nameof(Users))]
    public async Task CreateContainer_UserAndGroups_KernelReportsThemInProcSelfStatus(
        string name, int? image, long? runAsUser, string runAsUsername, long? runAsGroup, long[] supplemental, string uid, string gid, string groups)
    {
        var config = ContainerPodFixture.Config("user-" + name, "cat", "/proc/self/status");
        if (image is { } index)
        {
            config.Image = new ImageSpec { Image = fixture.UserImage(index) };
        }

        var security = config.Linux.SecurityContext;
        security.RunAsUser = runAsUser is { } u ? new Int64Value { Value = u } : null;
        security.RunAsUsername = runAsUsername;
        security.RunAsGroup = runAsGroup is { } g ? new Int64Value { Value = g } : null;
        security.SupplementalGroups.AddRange(supplemental);

        var run = await fixture.RunToExitAsync(config);

        Assert.Equal(0, run.Status.ExitCode);
        Assert.Equal($"{uid}\t{uid}\t{uid}\t{uid}", run.ProcStatus("Uid").Replace(' ', '\t'));
        Assert.Equal($"{gid}\t{gid}\t{gid}\t{gid}", run.ProcStatus("Gid").Replace(' ', '\t'));
        Assert.Equal(groups, run.ProcStatus("Groups"));
    }

    [Fact]
    public async Task CreateContainer_StrictSupplementalGroups_OnlyPrimaryAndRequestedGroups()
    {
        var config = ContainerPodFixture.Config("user-strict", "cat", "/proc/self/status");
        config.Linux.SecurityContext.RunAsUsername = "app";
        config.Linux.SecurityContext.SupplementalGroups.Add(5000);
        config.Linux.SecurityContext.SupplementalGroupsPolicy = SupplementalGroupsPolicy.Strict;

        var run = await fixture.RunToExitAsync(config);

        Assert.Equal("1000 5000", run.ProcStatus("Groups"));
    }

    [Theory]
    [InlineData("uid")]
    [InlineData("gid")]
    [InlineData("supplemental")]
    [InlineData("image")]
    public async Task CreateContainer_IdAbove2Pow31Minus1_InvalidArgumentAndNothingLeft(string where)
    {
        var config = ContainerPodFixture.Config("user-too-large-" + where, "true");
        var security = config.Linux.SecurityContext;
        switch (where)
        {
            case "uid":
                security.RunAsUser = new Int64Value { Value = TooLarge };
                break;
            case "gid":
                security.RunAsUser = new Int64Value { Value = 1000 };
                security.RunAsGroup = new Int64Value { Value = TooLarge };
                break;
            case "supplemental":
                security.SupplementalGroups.Add(TooLarge);
                break;
            default:
                config.Image = new ImageSpec { Image = fixture.UserImage(ContainerPodFixture.ImageUsers.ToList().IndexOf("2147483648")) };
                break;
        }

        var error = await Assert.ThrowsAsync<RpcException>(async () => await fixture.CreateAsync(config));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("2147483647", error.Status.Detail, StringComparison.Ordinal);
        var left = await fixture.Runtime.ListContainersAsync(new ListContainersRequest { Filter = new ContainerFilter { PodSandboxId = fixture.PodId } });
        Assert.DoesNotContain(left.Containers, c => c.Metadata.Name == config.Metadata.Name);
        var bundles = Path.Combine(fixture.Daemon.State, "containers");
        Assert.All(Directory.Exists(bundles) ? Directory.GetDirectories(bundles) : [], b => Assert.Contains(left.Containers, c => b.EndsWith(c.Id, StringComparison.Ordinal)));
        Assert.DoesNotContain(bundles, File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);
    }
}
