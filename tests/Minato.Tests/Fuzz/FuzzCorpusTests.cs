using Minato.Fuzz;

namespace Minato.Tests.Fuzz;

/// <summary>Every file of every fuzz corpus (seeds and the crashes fuzzing found, kept as regressions) through every
/// target: each either parses or fails with one of the target's typed, expected exceptions.</summary>
public sealed class FuzzCorpusTests
{
    private static readonly string CorpusRoot = Path.Combine(AppContext.BaseDirectory, "fuzz-corpus");

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Fact]
    public void Corpus_EveryTarget_HasSeeds()
    {
        foreach (var target in FuzzTargets.All)
        {
            Assert.True(Directory.Exists(Path.Combine(CorpusRoot, target.Name)) && Directory.GetFiles(Path.Combine(CorpusRoot, target.Name)).Length > 0,
                $"no corpus for {target.Name}");
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Target_EveryCorpusFile_ParsesOrFailsWithAnExpectedException(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var failures = new List<string>();
        foreach (var file in Directory.GetFiles(CorpusRoot, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
            catch (Exception e) when (!target.IsExpected(e))
            {
                failures.Add($"{Path.GetRelativePath(CorpusRoot, file)}: {e}");
            }
            catch (Exception)
            {
                // A typed refusal is what bad input should get.
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public void Target_OwnSeeds_AtLeastOneParses()
    {
        // Seeds that all fail would fuzz only the first few bytes of each parser.
        foreach (var target in FuzzTargets.All)
        {
            var parsed = Directory.GetFiles(Path.Combine(CorpusRoot, target.Name)).Count(file =>
            {
                try
                {
                    target.Run(File.ReadAllBytes(file));
                    return true;
                }
                catch (Exception e) when (target.IsExpected(e))
                {
                    return false;
                }
            });
            Assert.True(parsed > 0, $"no seed of {target.Name} parses");
        }
    }
}
