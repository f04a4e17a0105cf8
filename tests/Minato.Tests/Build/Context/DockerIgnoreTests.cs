using Minato.Build.Context;
using Minato.Engine.Errors;

namespace Minato.Tests.Build.Context;

public sealed class DockerIgnoreTests
{
    [Theory]
    [InlineData("*/temp*", "somedir/temporary.txt", true)]
    [InlineData("*/temp*", "somedir/temp", true)]
    [InlineData("*/temp*", "temp", false)]
    [InlineData("*/*/temp*", "somedir/subdir/temporary.txt", true)]
    [InlineData("*/*/temp*", "somedir/temporary.txt", false)]
    [InlineData("temp?", "tempa", true)]
    [InlineData("temp?", "tempab", false)]
    [InlineData("**/*.go", "a/b/c/main.go", true)]
    [InlineData("**/*.go", "main.go", true)]
    [InlineData("a/**/b", "a/b", true)]
    [InlineData("a/**/b", "a/x/y/b", true)]
    [InlineData("a/**", "a/x", true)]
    [InlineData("a/**", "a", false)]
    [InlineData("**", "anything/at/all", true)]
    [InlineData("/docs", "docs/readme.md", true)]
    [InlineData("./docs/../build", "build/out", true)]
    [InlineData("node_modules", "node_modules/x/y.js", true)]
    [InlineData("node_modules", "src/node_modules", false)]
    [InlineData("*.md", "README.md", true)]
    [InlineData("*.md", "docs/README.md", false)]
    [InlineData("[a-c]*.txt", "b1.txt", true)]
    [InlineData("[a-c]*.txt", "d1.txt", false)]
    [InlineData("with\\*star", "with*star", true)]
    [InlineData("with\\*star", "withXstar", false)]
    public void IsExcluded_DockerPatterns_MatchAsDocker(string pattern, string path, bool excluded)
    {
        Assert.Equal(excluded, DockerIgnore.Parse(pattern).IsExcluded(path));
    }

    [Fact]
    public void IsExcluded_Exceptions_LastMatchWins()
    {
        var ignore = DockerIgnore.Parse("""
            *.md
            !README*.md
            README-secret.md
            """);

        Assert.True(ignore.IsExcluded("CHANGES.md"));
        Assert.False(ignore.IsExcluded("README.md"));
        Assert.True(ignore.IsExcluded("README-secret.md"));
    }

    [Fact]
    public void IsExcluded_ExceptionInsideExcludedDirectory_Reincludes()
    {
        var ignore = DockerIgnore.Parse("vendor\n!vendor/keep/this.go\n");

        Assert.True(ignore.IsExcluded("vendor/other.go"));
        Assert.True(ignore.IsExcluded("vendor"));
        Assert.False(ignore.IsExcluded("vendor/keep/this.go"));
        Assert.True(ignore.MayIncludeBelow("vendor"));
        Assert.True(ignore.MayIncludeBelow("vendor/keep"));
        Assert.False(ignore.MayIncludeBelow("vendor/drop"));
    }

    [Fact]
    public void MayIncludeBelow_ExcludedWithoutExceptions_IsFalse()
    {
        var ignore = DockerIgnore.Parse("build\n");

        Assert.False(ignore.MayIncludeBelow("build"));
        Assert.True(ignore.MayIncludeBelow("src"));
    }

    [Fact]
    public void MayIncludeBelow_DoubleStarException_IsConservativelyTrue()
    {
        var ignore = DockerIgnore.Parse("out\n!**/*.keep\n");

        Assert.True(ignore.MayIncludeBelow("out"));
        Assert.False(ignore.IsExcluded("out/x/a.keep"));
    }

    [Fact]
    public void Parse_CommentsBlanksAndWhitespace_AreSkipped()
    {
        var ignore = DockerIgnore.Parse("\uFEFF# comment\n\n   \n  secret.txt  \r\n #not a comment\n");

        Assert.Equal(["secret.txt", "#not a comment"], ignore.Patterns);
        Assert.True(ignore.IsExcluded("secret.txt"));
        Assert.True(ignore.IsExcluded("#not a comment"));
    }

    [Fact]
    public void IsExcluded_PathIsCleanedFirst()
    {
        var ignore = DockerIgnore.Parse("secret\n");

        Assert.True(ignore.IsExcluded("./secret"));
        Assert.True(ignore.IsExcluded("a/../secret/x"));
        Assert.False(ignore.IsExcluded("."));
    }

    [Fact]
    public void Empty_ExcludesNothing()
    {
        Assert.False(DockerIgnore.Empty.IsExcluded("anything"));
        Assert.True(DockerIgnore.Empty.MayIncludeBelow("anything"));
    }

    [Theory]
    [InlineData("!\n")]
    [InlineData("ok\n[unclosed\n")]
    public void Parse_BadPattern_FailsNamingTheLine(string text)
    {
        var error = Assert.Throws<InvalidInputException>(() => DockerIgnore.Parse(text));

        Assert.Contains(".dockerignore line", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TooLarge_IsRefused()
    {
        Assert.Throws<InvalidInputException>(() => DockerIgnore.Parse(new string('a', DockerIgnore.MaxLength + 1)));
    }
}
