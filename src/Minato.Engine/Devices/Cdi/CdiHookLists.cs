using Minato.Engine.Oci.Spec;

namespace Minato.Engine.Devices.Cdi;

/// <summary>The OCI hook lists of a spec while CDI hooks are appended to them by name.</summary>
internal sealed class CdiHookLists(SpecHooks? existing)
{
    private readonly Dictionary<string, List<SpecHook>> _lists = new(StringComparer.Ordinal)
    {
        ["prestart"] = [.. existing?.Prestart ?? []],
        ["createRuntime"] = [.. existing?.CreateRuntime ?? []],
        ["createContainer"] = [.. existing?.CreateContainer ?? []],
        ["startContainer"] = [.. existing?.StartContainer ?? []],
        ["poststart"] = [.. existing?.Poststart ?? []],
        ["poststop"] = [.. existing?.Poststop ?? []],
    };

    public void Add(IEnumerable<CdiHook> hooks)
    {
        foreach (var hook in hooks)
        {
            // Validation allowed only the six names above.
            _lists[hook.HookName!].Add(new SpecHook { Path = hook.Path!, Args = hook.Args, Env = hook.Env, Timeout = hook.Timeout });
        }
    }

    public SpecHooks? ToSpec()
    {
        if (_lists.Values.All(l => l.Count == 0))
        {
            return null;
        }

        return new SpecHooks
        {
            Prestart = OrNull("prestart"),
            CreateRuntime = OrNull("createRuntime"),
            CreateContainer = OrNull("createContainer"),
            StartContainer = OrNull("startContainer"),
            Poststart = OrNull("poststart"),
            Poststop = OrNull("poststop"),
        };
    }

    private List<SpecHook>? OrNull(string name) => _lists[name].Count > 0 ? _lists[name] : null;
}
