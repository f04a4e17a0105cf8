namespace Minato.Cri;

/// <summary>The CRI's label filter (ListPodSandbox, ListContainers, their stats and streams): every pair of the selector
/// must be present with exactly that value.</summary>
public static class LabelSelector
{
    /// <summary>True when <paramref name="labels"/> holds every key of <paramref name="selector"/> with the same value.</summary>
    public static bool Matches(IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> selector)
    {
        foreach (var (key, value) in selector)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        return true;
    }
}
