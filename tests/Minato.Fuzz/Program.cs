using System.Diagnostics;
using System.Globalization;
using Minato.Fuzz;

// minato-fuzz list                                   the targets
// minato-fuzz run TARGET [SECONDS] [CORPUS] [CRASHES]  random mutations of the corpus in process for SECONDS (default 60);
//                                                     exits 1 when an input escaped with an unexpected exception
// minato-fuzz afl TARGET                             one input per run from AFL (afl-fuzz over SharpFuzz-instrumented
//                                                     assemblies; see fuzz.sh)
if (args.Length == 0 || args[0] == "list")
{
    foreach (var t in FuzzTargets.All)
    {
        Console.WriteLine(t.Name);
    }

    return args.Length == 0 ? 2 : 0;
}

if (args.Length < 2 || FuzzTargets.Find(args[1]) is not { } target)
{
    await Console.Error.WriteLineAsync($"minato-fuzz: unknown target; one of {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
    return 2;
}

if (args[0] == "afl")
{
    // A crash for AFL is an exception escaping: the typed, expected ones are swallowed here.
    SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        try
        {
            target.Run(copy.ToArray());
        }
        catch (Exception e) when (target.IsExpected(e))
        {
        }
    });
    return 0;
}

var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 60;
var corpus = args.Length > 3 ? args[3] : Path.Combine(AppContext.BaseDirectory, "corpus", target.Name);
var crashes = args.Length > 4 ? args[4] : Path.Combine(Directory.GetCurrentDirectory(), "fuzz-crashes", target.Name);
var result = MutationLoop.Run(target, corpus, crashes, TimeSpan.FromSeconds(seconds), Console.Out);
return result.Crashes == 0 ? 0 : 1;

/// <summary>An in-process fuzzing loop without coverage feedback: random mutations (bit flips, interesting bytes, cuts,
/// duplications, splices of two corpus files) of the seed corpus, each run through the target; an input that escapes
/// with an exception the target does not expect is written to the crash directory with its stack trace.</summary>
internal static class MutationLoop
{
    public static (long Runs, int Crashes) Run(FuzzTarget target, string corpusDirectory, string crashDirectory, TimeSpan duration, TextWriter output)
    {
        var corpus = Directory.Exists(corpusDirectory)
            ? Directory.GetFiles(corpusDirectory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList()
            : [];
        if (corpus.Count == 0)
        {
            corpus.Add([]);
        }

        var random = new Random(Environment.TickCount);
        var clock = Stopwatch.StartNew();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long runs = 0;
        var crashes = 0;
        while (clock.Elapsed < duration)
        {
            var input = Mutate(corpus[random.Next(corpus.Count)], corpus, random);
            runs++;
            try
            {
                target.Run(input);
            }
            catch (Exception e) when (!target.IsExpected(e))
            {
                // One file per distinct place of failure, so a loop that hits the same bug keeps going without filling the disk.
                var key = e.GetType().FullName + " " + (e.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? string.Empty);
                if (seen.Add(key))
                {
                    crashes++;
                    Directory.CreateDirectory(crashDirectory);
                    var name = Path.Combine(crashDirectory, $"crash-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(input))[..16]}");
                    File.WriteAllBytes(name, input);
                    File.WriteAllText(name + ".txt", e.ToString());
                    output.WriteLine($"{target.Name}: {e.GetType().Name}: {e.Message} -> {name}");
                }
            }
            catch (Exception)
            {
                // The target's own typed refusal.
            }
        }

        output.WriteLine($"{target.Name}: {runs:N0} runs in {clock.Elapsed.TotalSeconds:F0} s ({runs / Math.Max(1, clock.Elapsed.TotalSeconds):N0}/s), {crashes} distinct crashes");
        return (runs, crashes);
    }

    private static readonly byte[] Interesting = [0x00, 0x01, 0x7f, 0x80, 0xff, (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)':', (byte)'\n', (byte)'/', (byte)'.', (byte)'=', (byte)'\\'];

    private static byte[] Mutate(byte[] seed, List<byte[]> corpus, Random random)
    {
        var data = new List<byte>(seed);
        var steps = 1 + random.Next(8);
        for (var i = 0; i < steps; i++)
        {
            var position = data.Count == 0 ? 0 : random.Next(data.Count);
            switch (random.Next(9))
            {
                case 0 when data.Count > 0:
                    data[position] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[position] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 2 when data.Count > 0:
                    data[position] = (byte)random.Next(256);
                    break;
                case 3:
                    data.Insert(position, Interesting[random.Next(Interesting.Length)]);
                    break;
                case 4 when data.Count > 0:
                    data.RemoveRange(position, Math.Min(data.Count - position, 1 + random.Next(16)));
                    break;
                case 5 when data.Count > 0:
                    var length = Math.Min(data.Count - position, 1 + random.Next(64));
                    data.InsertRange(random.Next(data.Count), data.GetRange(position, length));
                    break;
                case 6:
                    var other = corpus[random.Next(corpus.Count)];
                    if (other.Length > 0)
                    {
                        var start = random.Next(other.Length);
                        data.InsertRange(position, other.AsSpan(start, Math.Min(other.Length - start, 1 + random.Next(256))).ToArray());
                    }

                    break;
                case 7 when data.Count > 4:
                    // A 32-bit big-endian length or count field set to an edge value.
                    var edge = new[] { 0u, 1u, 0x7fffffffu, 0x80000000u, 0xffffffffu, 0x00ffffffu, (uint)data.Count }[random.Next(7)];
                    var at = random.Next(data.Count - 3);
                    data[at] = (byte)(edge >> 24);
                    data[at + 1] = (byte)(edge >> 16);
                    data[at + 2] = (byte)(edge >> 8);
                    data[at + 3] = (byte)edge;
                    break;
                case 8 when data.Count > 0:
                    data.RemoveRange(position, data.Count - position);
                    break;
            }
        }

        return [.. data];
    }
}
