using System.Text;
using Minato.Migrate;

namespace Minato.Tests.Migrate;

/// <summary>Finds the test fixtures and reads inputs for the migrate tests.</summary>
internal static class Fixture
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Migrate", "Fixtures", name);

    public static List<KubeObject> Read(string name) => [.. ManifestReader.Read(InputSource.FromFile(Path(name)))];

    public static List<KubeObject> ReadText(string text, string name = "inline", int chunk = int.MaxValue) =>
        [.. ManifestReader.Read(new InputSource(name, () => new TrickleStream(Encoding.UTF8.GetBytes(text), chunk)))];

    public static MigrationReport Analyze(params string[] names) =>
        new MigrationAnalyzer().Analyze(names.Select(n => InputSource.FromFile(Path(n))).ToList(), CancellationToken.None);

    public static MigrationReport AnalyzeText(string text) =>
        new MigrationAnalyzer().Analyze(
            [new InputSource("inline", () => new MemoryStream(Encoding.UTF8.GetBytes(text)))], CancellationToken.None);
}

/// <summary>A stream that hands out at most a few bytes per read, as a pipe may, to exercise buffer refills.</summary>
internal sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
{
    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

    public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);
}
