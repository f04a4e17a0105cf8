using Minato.Cri.Pods;
using Minato.Daemon.CriAdapters;

namespace Minato.Tests.Daemon.CriAdapters;

public sealed class PodSandboxMapperTests
{
    private static PodSandbox Sandbox(string requested, string effective) => new()
    {
        Id = "deadbeef",
        Config = new SandboxConfig { Metadata = new SandboxMetadata("web", "uid-web", "default", 0), RuntimeHandler = requested },
        RuntimeHandler = effective,
        Phase = SandboxPhase.Ready,
        CreatedAt = 1,
        Directory = "/run/minato/pods/deadbeef",
        NamespacePaths = new Dictionary<string, string>(),
    };

    [Theory]
    [InlineData("", "runc")]
    [InlineData("crun", "crun")]
    public void ToStatusAndListItem_RuntimeHandler_ReportsWhatTheCallerAskedFor(string requested, string effective)
    {
        var sandbox = Sandbox(requested, effective);

        Assert.Equal(requested, PodSandboxMapper.ToStatus(sandbox).RuntimeHandler);
        Assert.Equal(requested, PodSandboxMapper.ToListItem(sandbox).RuntimeHandler);
        Assert.Equal(effective, sandbox.RuntimeHandler);
    }
}
