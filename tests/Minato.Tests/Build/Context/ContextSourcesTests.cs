using Minato.Build.Context;
using Minato.Engine.Errors;

namespace Minato.Tests.Build.Context;

public sealed class ContextSourcesTests : IDisposable
{
    private readonly TempDirectory context = new();

    public ContextSourcesTests()
    {
        context.Write("a.txt", "a");
        context.Write("b.txt", "b");
        context.Write("c.md", "c");
        context.Write("dir/x.txt", "x");
        context.Write("dir/sub/y.txt", "y");
        context.Write("secret/key", "k");
        context.Write("[weird].txt", "w");
    }

    public void Dispose() => context.Dispose();

    [Theory]
    [InlineData("a.txt", "a.txt")]
    [InlineData("/a.txt", "a.txt")]
    [InlineData("./a.txt", "a.txt")]
    [InlineData("dir", "dir")]
    [InlineData("dir/", "dir")]
    [InlineData("dir/../b.txt", "b.txt")]
    [InlineData(".", ".")]
    [InlineData("./", ".")]
    [InlineData("/", ".")]
    public void Resolve_PlainPath_ReturnsItCleaned(string pattern, string expected)
    {
        Assert.Equal([expected], ContextSources.Resolve(context.Path, pattern, DockerIgnore.Empty));
    }

    [Theory]
    [InlineData("*.txt", new[] { "[weird].txt", "a.txt", "b.txt" })]
    [InlineData("?.md", new[] { "c.md" })]
    [InlineData("[ab].txt", new[] { "a.txt", "b.txt" })]
    [InlineData("[^a].txt", new[] { "b.txt" })]
    [InlineData("dir/*", new[] { "dir/sub", "dir/x.txt" })]
    [InlineData("*/*.txt", new[] { "dir/x.txt" })]
    [InlineData("[[]weird].txt", new[] { "[weird].txt" })]
    public void Resolve_Glob_MatchesLikeGoFilepathMatch(string pattern, string[] expected)
    {
        Assert.Equal(expected, ContextSources.Resolve(context.Path, pattern, DockerIgnore.Empty));
    }

    [Fact]
    public void Resolve_Missing_FailsLikeDocker()
    {
        var error = Assert.Throws<InvalidInputException>(() => ContextSources.Resolve(context.Path, "nope.txt", DockerIgnore.Empty));

        Assert.Equal("COPY failed: file not found in build context or excluded by .dockerignore: stat nope.txt: file does not exist", error.Message);
    }

    [Fact]
    public void Resolve_Ignored_IsAsMissing()
    {
        var ignore = DockerIgnore.Parse("secret\n*.md\n");

        Assert.Throws<InvalidInputException>(() => ContextSources.Resolve(context.Path, "secret/key", ignore));
        Assert.Throws<InvalidInputException>(() => ContextSources.Resolve(context.Path, "*.md", ignore));
        Assert.DoesNotContain("secret", ContextSources.Resolve(context.Path, "*", ignore));
    }

    [Fact]
    public void Resolve_GlobMatchingNothing_FailsNamingThePattern()
    {
        var error = Assert.Throws<InvalidInputException>(() => ContextSources.Resolve(context.Path, "*.go", DockerIgnore.Empty, "ADD"));

        Assert.StartsWith("ADD failed: no source files were specified", error.Message, StringComparison.Ordinal);
        Assert.Contains("*.go", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("dir/../../outside")]
    [InlineData("..")]
    public void Resolve_OutsideTheContext_IsForbidden(string pattern)
    {
        var error = Assert.Throws<InvalidInputException>(() => ContextSources.Resolve(context.Path, pattern, DockerIgnore.Empty));

        Assert.Contains("forbidden path outside the build context", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ThroughSymlinkToHostDirectory_DoesNotSeeTheHost()
    {
        File.CreateSymbolicLink(context.Combine("etc"), "/etc");

        Assert.Throws<InvalidInputException>(() => ContextSources.Resolve(context.Path, "etc/passwd", DockerIgnore.Empty));
    }

    [Fact]
    public void Resolve_EscapedBrackets_AreALiteralLookupAsInDocker()
    {
        Assert.Throws<InvalidInputException>(() => ContextSources.Resolve(context.Path, "\\[weird\\].txt", DockerIgnore.Empty));
    }

    [Fact]
    public void Resolve_BadGlob_Fails()
    {
        Assert.Throws<InvalidInputException>(() => ContextSources.Resolve(context.Path, "[a", DockerIgnore.Empty));
    }
}
