namespace Minato.Migrate;

/// <summary>
/// Looks at each object for one <see cref="FindingKind"/> and reports what it finds. Rules keep no state
/// between objects, so the analysis streams.
/// </summary>
internal interface IMigrationRule
{
    void Inspect(KubeObject item, FindingCollector findings);
}
