using Minato.Docker.Http;
using Minato.Engine.Containers;

namespace Minato.Docker.Containers.Pods;

/// <summary>
/// Pod containers and sandboxes as dockershim showed them to node agents: named
/// <c>k8s_&lt;container&gt;_&lt;pod&gt;_&lt;namespace&gt;_&lt;uid&gt;_&lt;attempt&gt;</c> (sandboxes <c>k8s_POD_...</c>) with the
/// <c>io.kubernetes.*</c> labels, as Docker records built on the fly, never stored. The kubelet owns them: the Docker
/// door reads them and changes nothing (<see cref="Refusal"/>). Their engine changes become Docker events (create,
/// start, die, destroy) with the same attributes as a Docker container's.
/// </summary>
public sealed class PodContainerView : IDisposable
{
    /// <summary>The engine owner given to the records made up for sandboxes (a sandbox is not an engine container).</summary>
    public const string SandboxOwner = "pod-sandbox";

    private readonly IPodContainerSource _source;
    private readonly ContainerService _engine;

    private readonly Events.DockerEvents _events;

    public PodContainerView(IPodContainerSource source, ContainerService engine, DockerHostOptions options, Events.DockerEvents events)
    {
        ArgumentNullException.ThrowIfNull(options);
        _source = source;
        _engine = engine;
        _events = events;
        Mode = options.PodContainers;
        if (Mode != PodContainerMode.Hidden)
        {
            _engine.Changed += OnChanged;
        }
    }

    public PodContainerMode Mode { get; }

    /// <summary>Every pod container and sandbox with its state; none when hidden.</summary>
    public IReadOnlyList<(DockerContainer Container, ContainerRecord State)> List()
    {
        if (Mode == PodContainerMode.Hidden)
        {
            return [];
        }

        var rows = new List<(DockerContainer, ContainerRecord)>();
        foreach (var facts in _source.Containers())
        {
            if (_engine.Find(facts.Id) is { } state && state.Owner != DockerContainers.Owner)
            {
                rows.Add((PodContainerRecords.Container(facts, state), state));
            }
        }

        rows.AddRange(_source.Sandboxes().Select(s => (PodContainerRecords.Sandbox(s), PodContainerRecords.SandboxState(s))));
        return rows;
    }

    /// <summary>The pod container or sandbox <paramref name="reference"/> names (id, dockershim name with or without
    /// <c>/</c>, or unique id prefix); null when none does or when hidden.</summary>
    public (DockerContainer Container, ContainerRecord State)? Resolve(string reference)
    {
        if (Mode == PodContainerMode.Hidden || reference.Length == 0)
        {
            return null;
        }

        var rows = List();
        var name = reference.StartsWith('/') ? reference : "/" + reference;
        var exact = rows.Where(r => r.Container.Id == reference || r.Container.Name == name).ToList();
        if (exact.Count > 0)
        {
            return exact[0];
        }

        var prefixed = rows.Where(r => r.Container.Id.StartsWith(reference, StringComparison.Ordinal)).ToList();
        return prefixed.Count == 1 ? prefixed[0] : null;
    }

    /// <summary>The pod container <paramref name="state"/> belongs to, as a Docker record; null for any other.</summary>
    public DockerContainer? Describe(ContainerRecord state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Mode == PodContainerMode.Hidden || state.Owner == DockerContainers.Owner || _source.Find(state.Id) is not { } facts
            ? null
            : PodContainerRecords.Container(facts, state);
    }

    /// <summary>403 for a call that would change a pod container: the kubelet owns it, and would fight any change.</summary>
    public static DockerApiException Refusal(DockerContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return new DockerApiException(
            Microsoft.AspNetCore.Http.StatusCodes.Status403Forbidden,
            $"container {container.ShortName} belongs to a Kubernetes pod and the kubelet owns it: the Docker API shows it read-only " +
            "(change it through the kubelet, for example kubectl delete pod)");
    }

    public void Dispose() => _engine.Changed -= OnChanged;

    // Under the engine's state lock: reads the source's records only (its record outlives the engine's on removal).
    private void OnChanged(ContainerChange change)
    {
        if (change.Container.Owner == DockerContainers.Owner || Describe(change.Container) is not { } container)
        {
            return;
        }

        var attributes = new Dictionary<string, string>(container.Config.Labels ?? [], StringComparer.Ordinal)
        {
            ["image"] = container.ImageName,
            ["name"] = container.ShortName,
        };
        var action = change.Kind switch
        {
            ContainerChangeKind.Created => "create",
            ContainerChangeKind.Started => "start",
            ContainerChangeKind.Exited => "die",
            _ => "destroy",
        };
        if (change.Kind == ContainerChangeKind.Exited)
        {
            attributes["exitCode"] = change.Container.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        _events.Publish("container", action, container.Id, attributes);
    }
}
