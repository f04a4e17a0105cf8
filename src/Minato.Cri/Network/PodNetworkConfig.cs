using Microsoft.Extensions.Logging;
using Minato.Engine.Errors;
using Minato.Engine.Network;
using Minato.Engine.Store;

namespace Minato.Cri.Network;

/// <summary>
/// The node's pod CIDRs as the kubelet last gave them (CRI UpdateRuntimeConfig), kept in the metadata database, and
/// the CNI network rendered from them when the operator configured a <c>cni_config_template</c>.
/// </summary>
/// <remarks>
/// The kubelet sends the CIDRs once, when it learns them, and again only when they change: it does not send them again
/// after the runtime restarts. So they are stored, and at start-up the rendered file is checked and rewritten only
/// when it differs from what the template makes.
/// </remarks>
public sealed class PodNetworkConfig
{
    private const string Key = "pod_cidr";

    private readonly MetadataStore _store;
    private readonly CniConfigDirectory _cni;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private volatile IReadOnlyList<PodCidr> _podCidrs;
    private volatile string _lastRender = "not rendered yet";

    private PodNetworkConfig(MetadataStore store, CniConfigDirectory cni, string? templatePath, IReadOnlyList<PodCidr> podCidrs, ILogger logger)
    {
        _store = store;
        _cni = cni;
        _logger = logger;
        _podCidrs = podCidrs;
        TemplatePath = templatePath;
        Rendered = RenderedCniConfig.In(cni.Options.ConfigDir);
    }

    /// <summary>The node's pod CIDRs, primary family first; empty until the kubelet sends them.</summary>
    public IReadOnlyList<PodCidr> PodCidrs => _podCidrs;

    /// <summary>The configured template, or null when Minato leaves the CNI config to other components.</summary>
    public string? TemplatePath { get; }

    /// <summary>The file the template renders to.</summary>
    public RenderedCniConfig Rendered { get; }

    /// <summary>What the last rendering did, for verbose Status.</summary>
    public string LastRender => _lastRender;

    /// <summary>Reads the stored CIDRs; <paramref name="templatePath"/> is the <c>cni_config_template</c>, null or empty for none.</summary>
    public static PodNetworkConfig Load(MetadataStore store, CniConfigDirectory cni, string? templatePath, ILogger logger)
    {
        using var connection = store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM runtime_config WHERE key = $key;";
        command.Parameters.AddWithValue("$key", Key);
        var stored = command.ExecuteScalar() as string ?? "";
        IReadOnlyList<PodCidr> cidrs;
        try
        {
            cidrs = PodCidr.ParseList(stored);
        }
        catch (InvalidInputException e)
        {
            PodNetworkLog.StoredCidrsUnreadable(logger, store.Path, e.Message);
            cidrs = [];
        }

        return new PodNetworkConfig(store, cni, string.IsNullOrEmpty(templatePath) ? null : templatePath, cidrs, logger);
    }

    /// <summary>
    /// CRI UpdateRuntimeConfig: takes the kubelet's <c>pod_cidr</c>, stores it, and renders the template when there is one.
    /// All or nothing: a bad value or a template that fails changes neither the database nor the CNI directory.
    /// </summary>
    /// <exception cref="InvalidInputException">The value is not a list of CIDRs.</exception>
    /// <exception cref="PreconditionException">The template cannot be read, rendered or written.</exception>
    public void Update(string podCidr)
    {
        var cidrs = PodCidr.ParseList(podCidr);

        // containerd: an empty value is accepted and changes nothing. Kubernetes never takes a node's pod CIDRs away
        // (node.spec.podCIDRs cannot be cleared once set), so empty means the kubelet has none to give yet.
        if (cidrs.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            var changed = !cidrs.SequenceEqual(_podCidrs);
            using var connection = _store.OpenConnection();
            using var transaction = connection.BeginTransaction();
            if (changed)
            {
                transaction.Execute(
                    "INSERT INTO runtime_config (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;",
                    ("$key", Key), ("$value", string.Join(",", cidrs)));
            }

            var previous = Render(cidrs, out var written);
            try
            {
                transaction.Commit();
            }
            catch
            {
                if (written)
                {
                    Rendered.Restore(previous);
                }

                throw;
            }

            _podCidrs = cidrs;
            if (changed)
            {
                PodNetworkLog.PodCidrsSet(_logger, string.Join(",", cidrs));
            }
        }
    }

    /// <summary>At start-up: renders the stored CIDRs again if the file is missing or differs; logs rather than fails.</summary>
    public void RenderStored()
    {
        lock (_lock)
        {
            if (TemplatePath is null || _podCidrs.Count == 0)
            {
                return;
            }

            try
            {
                Render(_podCidrs, out _);
            }
            catch (PreconditionException e)
            {
                PodNetworkLog.StartupRenderFailed(_logger, TemplatePath, e.Message);
            }
        }
    }

    /// <summary>
    /// Renders the template (when there is one) and writes the file when its bytes differ. Returns the file's previous
    /// bytes (null for none) so a failed commit can put them back; <paramref name="written"/> says whether it wrote.
    /// </summary>
    private byte[]? Render(IReadOnlyList<PodCidr> cidrs, out bool written)
    {
        written = false;
        if (TemplatePath is null)
        {
            return null;
        }

        // containerd renders only while no pod network is usable, leaving a network another component installed
        // alone. Minato keeps that, but keeps its own file following the CIDRs and the template.
        if (_cni.Probe().Network is { } network && Path.GetFileName(network.Path) != RenderedCniConfig.FileName)
        {
            _lastRender = $"not rendered: the pod network is {network.Path}";
            PodNetworkLog.RenderSkipped(_logger, TemplatePath, network.Path);
            return null;
        }

        try
        {
            var content = CniConfigTemplate.Load(TemplatePath).Render(cidrs);
            var previous = Rendered.Read();
            if (previous is not null && previous.AsSpan().SequenceEqual(content))
            {
                _lastRender = $"{Rendered.Path} is up to date for {string.Join(",", cidrs)}";
                return previous;
            }

            WriteOrRestore(content, previous);
            written = true;
            _lastRender = $"wrote {Rendered.Path} for {string.Join(",", cidrs)}";
            PodNetworkLog.Rendered(_logger, Rendered.Path, TemplatePath, string.Join(",", cidrs));
            return previous;
        }
        catch (FormatException e)
        {
            _lastRender = "failed: " + e.Message;
            throw new PreconditionException($"cni_config_template: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _lastRender = "failed: " + e.Message;
            throw new PreconditionException($"cannot write CNI config {Rendered.Path}: {e.Message}", e);
        }
    }

    /// <summary>Writes the file; when that fails after the rename, puts the previous file back (best effort) before failing.</summary>
    private void WriteOrRestore(byte[] content, byte[]? previous)
    {
        try
        {
            Rendered.Write(content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                Rendered.Restore(previous);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                PodNetworkLog.RestoreFailed(_logger, Rendered.Path, again.Message);
            }

            throw;
        }
    }
}
