using Minato.Daemon.Metrics;
using Minato.Docker.Http;
using Minato.Engine.Diagnostics;
using Minato.Engine.Images.Registry;

namespace Minato.Tests.Daemon.Metrics;

public sealed class MetricLabelTests
{
    [Theory]
    [InlineData("/runtime.v1.RuntimeService/Version", "RuntimeService/Version")]
    [InlineData("/runtime.v1.ImageService/PullImage", "ImageService/PullImage")]
    [InlineData("/minato.v1.Images/Remove", "Images/Remove")]
    public void CriMethodLabel_GrpcMethod_ServiceAndMethodOnly(string method, string label) =>
        Assert.Equal(label, DaemonMeter.MethodLabel(method));

    [Theory]
    [InlineData("get", "GET")]
    [InlineData("POST", "POST")]
    [InlineData("BREW", "OTHER")]
    public void DockerMethodLabel_AnyToken_OneOfABoundedSet(string method, string label) =>
        Assert.Equal(label, DockerMeter.MethodLabel(method));

    [Fact]
    public void PullFailureReason_EachFailure_OneOfTheDeclaredReasons()
    {
        var failures = new Exception[]
        {
            new RegistryException(RegistryFailure.Unauthorized, "x"), new RegistryException(RegistryFailure.NotFound, "x"),
            new RegistryException(RegistryFailure.Blocked, "x"), new RegistryException(RegistryFailure.Unavailable, "x"),
            new RegistryException(RegistryFailure.Protocol, "x"), new TimeoutException(), new OperationCanceledException(),
            new IOException("disk full"), new InvalidOperationException(),
        };

        var reasons = failures.Select(EngineMeter.PullFailureReason).ToList();

        Assert.Equal(["unauthorized", "not_found", "blocked", "unavailable", "protocol", "stalled", "cancelled", "disk", "other"], reasons);
        Assert.All(reasons, r => Assert.Contains(r, EngineMeter.PullFailureReasons));
    }
}
