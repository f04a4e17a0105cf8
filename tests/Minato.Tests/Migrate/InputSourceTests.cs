using Minato.Migrate;

namespace Minato.Tests.Migrate;

public sealed class InputSourceTests
{
    [Fact]
    public void Expand_Directory_FindsYamlAndJsonRecursivelyAndSkipsHiddenAndOtherFiles()
    {
        var sources = InputSource.Expand([Fixture.Path("manifests")], () => Stream.Null);

        Assert.Equal(
            ["app.yaml", "agent.yml"],
            sources.Select(s => Path.GetFileName(s.Name)));
    }

    [Fact]
    public void Expand_Dash_IsStandardInput()
    {
        var stdin = new MemoryStream();

        var source = Assert.Single(InputSource.Expand(["-"], () => stdin));

        Assert.Equal("-", source.Name);
        Assert.Same(stdin, source.Open());
    }

    [Fact]
    public void Expand_MissingPath_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ManifestException>(() => InputSource.Expand(["/nonexistent/cluster.json"], () => Stream.Null));

        Assert.Equal("/nonexistent/cluster.json: no such file or directory", ex.Message);
    }
}
