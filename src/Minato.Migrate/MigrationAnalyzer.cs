namespace Minato.Migrate;

/// <summary>
/// The analysis behind <c>minato migrate</c>: streams every object of every input past every rule and
/// builds the report. One object is alive at a time; what is kept is bounded by findings, nodes and
/// namespaces. An input that cannot be read does not hide the others: its error is kept in the report
/// (<see cref="MigrationReport.Errors"/>) with file, line and column, and every other input is still analysed.
/// </summary>
public sealed class MigrationAnalyzer
{
    private readonly IReadOnlyList<IMigrationRule> _rules =
    [
        new DockerRuntimeNodeRule(),
        new DockerSocketRule(),
        new DockerInDockerRule(),
        new NvidiaDockerRule(),
        new DockerLogFormatRule(),
        new NoActionNeededRule(),
    ];

    public MigrationReport Analyze(IReadOnlyList<InputSource> sources, CancellationToken cancellationToken)
    {
        var findings = new FindingCollector();
        var errors = new List<InputError>();
        foreach (var source in sources)
        {
            try
            {
                foreach (var item in Read(source))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    findings.Observe(item);
                    foreach (var rule in _rules)
                    {
                        rule.Inspect(item, findings);
                    }
                }
            }
            catch (ManifestException ex)
            {
                // The objects before the error have been analysed; the rest of this input cannot be.
                errors.Add(new InputError(ex.Location, ex.Reason));
            }
        }

        return findings.Build(sources.Count, NoActionNeededRule.Notes, errors);
    }

    /// <summary>Reads one source, turning I/O failures into input errors that name the source.</summary>
    private static IEnumerable<KubeObject> Read(InputSource source)
    {
        using var items = ManifestReader.Read(source).GetEnumerator();
        while (true)
        {
            try
            {
                if (!items.MoveNext())
                {
                    yield break;
                }
            }
            catch (IOException ex)
            {
                throw new ManifestException(new SourceLocation(source.Name, 0), ex.Message, ex);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new ManifestException(new SourceLocation(source.Name, 0), ex.Message, ex);
            }

            yield return items.Current;
        }
    }
}
