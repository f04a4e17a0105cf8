using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Engine.Devices.Cdi;

/// <summary>OCI specs for CDI edit tests.</summary>
internal static class SpecFixtures
{
    /// <summary>A spec as the CRI builder makes it, reduced to what CDI edits touch.</summary>
    public static RuntimeSpec Minimal(uint uid = 0) => new()
    {
        Root = new SpecRoot("/rootfs"),
        Process = new SpecProcess
        {
            User = new SpecUser { Uid = uid, Gid = uid },
            Args = ["sh"],
            Cwd = "/",
            Env = ["PATH=/bin", "TEST_DEVICE=old"],
        },
        Mounts =
        [
            new SpecMount { Destination = "/proc", Type = "proc", Source = "proc" },
            new SpecMount { Destination = "/dev/shm", Type = "tmpfs", Source = "shm" },
            new SpecMount { Destination = "/dev", Type = "tmpfs", Source = "tmpfs" },
        ],
        Linux = new LinuxSpec
        {
            Resources = new LinuxResources { Devices = [new LinuxDeviceCgroup(false, Access: "rwm")] },
        },
    };
}
