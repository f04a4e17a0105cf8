using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Engine.Devices.Cdi;

/// <summary>The edits one container's CDI devices make, resolved against the host and checked against each other, ready
/// to apply to its OCI spec.</summary>
/// <remarks>
/// Built by <see cref="CdiRegistry.Resolve"/> before anything of the container exists, so every error (a device node
/// missing on the host, two devices that disagree) leaves nothing behind. The order is CDI's: for each device in
/// request order, its spec's common edits (once per spec file) and then its own; <see cref="Apply"/> then makes the
/// environment, device node, mount, hook, additional group and Intel RDT edits in that order.
/// </remarks>
public sealed class CdiInjection
{
    private readonly IReadOnlyList<CdiEditSet> _sets;

    private CdiInjection(IReadOnlyList<CdiEditSet> sets) => _sets = sets;

    /// <summary>No devices: <see cref="Apply"/> returns the spec unchanged.</summary>
    public static CdiInjection Empty { get; } = new([]);

    /// <summary>The qualified names of the injected devices, in request order.</summary>
    public IReadOnlyList<string> Devices => _sets.Where(s => s.Device is not null).Select(s => s.Device!).ToList();

    /// <summary>Resolves device nodes on the host and checks the edits for conflicts.</summary>
    /// <exception cref="InvalidInputException">A device node is missing or of the wrong kind, or two devices' edits conflict.</exception>
    public static CdiInjection Build(IReadOnlyList<CdiResolvedDevice> devices)
    {
        var sets = new List<CdiEditSet>();
        var specsSeen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            if (specsSeen.Add(device.File.Path) && device.File.Spec.ContainerEdits is { IsEmpty: false } common)
            {
                sets.Add(CdiEditSet.Resolve($"the common edits of CDI spec {device.File.Path} (kind {device.File.Kind})", null, common));
            }

            sets.Add(CdiEditSet.Resolve($"CDI device {device.Name} (spec {device.File.Path})", device.Name.ToString(), device.Device.ContainerEdits!));
        }

        CdiConflicts.Check(sets);
        return new CdiInjection(sets);
    }

    /// <summary>The spec with every edit made.</summary>
    public RuntimeSpec Apply(RuntimeSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (_sets.Count == 0)
        {
            return spec;
        }

        var env = spec.Process.Env?.ToList() ?? [];
        var devices = spec.Linux.Devices?.ToList() ?? [];
        var rules = spec.Linux.Resources?.Devices?.ToList() ?? [];
        var mounts = spec.Mounts?.ToList() ?? [];
        var hooks = new CdiHookLists(spec.Hooks);
        var gids = spec.Process.User.AdditionalGids?.ToList() ?? [];
        var intelRdt = spec.Linux.IntelRdt;
        foreach (var set in _sets)
        {
            foreach (var entry in set.Edits.Env ?? [])
            {
                var prefix = entry[..(entry.IndexOf('=', StringComparison.Ordinal) + 1)];
                env.RemoveAll(e => e.StartsWith(prefix, StringComparison.Ordinal));
                env.Add(entry);
            }
        }

        foreach (var set in _sets)
        {
            foreach (var (node, rule) in set.Nodes)
            {
                devices.RemoveAll(d => d.Path == node.Path);
                devices.Add(WithOwner(node, spec.Process.User));
                if (rule is not null)
                {
                    rules.Add(rule);
                }
            }
        }

        foreach (var set in _sets)
        {
            foreach (var mount in set.Edits.Mounts ?? [])
            {
                mounts.RemoveAll(m => m.Destination == mount.ContainerPath);
                mounts.Add(new SpecMount { Destination = mount.ContainerPath!, Source = mount.HostPath, Type = mount.Type is { Length: > 0 } t ? t : null, Options = mount.Options });
            }
        }

        // CDI orders mounts by depth (stable), so a parent is always mounted before what it holds.
        mounts = [.. mounts.OrderBy(m => Path.TrimEndingDirectorySeparator(m.Destination).Count(c => c == '/'))];
        foreach (var set in _sets)
        {
            hooks.Add(set.Edits.Hooks ?? []);
        }

        foreach (var gid in _sets.SelectMany(s => s.Edits.AdditionalGids ?? []).Where(g => g != 0 && !gids.Contains(g)))
        {
            gids.Add(gid);
        }

        foreach (var set in _sets.Where(s => s.Edits.IntelRdt is not null))
        {
            var rdt = set.Edits.IntelRdt!;
            intelRdt = new LinuxIntelRdt
            {
                ClosId = rdt.ClosId,
                L3CacheSchema = rdt.L3CacheSchema,
                MemBwSchema = rdt.MemBwSchema,
                EnableCmt = rdt.EnableCmt ? true : null,
                EnableMbm = rdt.EnableMbm ? true : null,
            };
        }

        return spec with
        {
            Process = spec.Process with { Env = env, User = spec.Process.User with { AdditionalGids = gids.Count > 0 ? gids : null } },
            Mounts = mounts,
            Hooks = hooks.ToSpec(),
            Linux = spec.Linux with
            {
                Devices = devices.Count > 0 ? devices : null,
                Resources = (spec.Linux.Resources ?? new LinuxResources()) with { Devices = rules.Count > 0 ? rules : null },
                IntelRdt = intelRdt,
            },
        };
    }

    /// <summary>A node without an owner belongs to the container's user, as CDI gives it (root keeps the default).</summary>
    private static LinuxDevice WithOwner(LinuxDevice node, SpecUser user) => node with
    {
        Uid = node.Uid ?? (user.Uid > 0 ? user.Uid : null),
        Gid = node.Gid ?? (user.Gid > 0 ? user.Gid : null),
    };
}
