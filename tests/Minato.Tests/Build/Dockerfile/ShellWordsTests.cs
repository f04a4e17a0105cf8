using Minato.Build.Dockerfile;

namespace Minato.Tests.Build.Dockerfile;

public sealed class ShellWordsTests
{
    private static readonly Dictionary<string, string> Variables = new()
    {
        ["FOO"] = "foo",
        ["EMPTY"] = "",
        ["SPACED"] = "a  b",
        ["PATH_VAR"] = "/usr/local/bin/tool.tar.gz",
    };

    private static string? Lookup(string name) => Variables.GetValueOrDefault(name);

    [Theory]
    [InlineData("$FOO", "foo")]
    [InlineData("${FOO}", "foo")]
    [InlineData("${FOO}bar", "foobar")]
    [InlineData("$FOO-bar", "foo-bar")]
    [InlineData("$UNSET", "")]
    [InlineData("${UNSET:-default}", "default")]
    [InlineData("${EMPTY:-default}", "default")]
    [InlineData("${EMPTY-default}", "")]
    [InlineData("${UNSET-default}", "default")]
    [InlineData("${FOO:-default}", "foo")]
    [InlineData("${FOO:+alt}", "alt")]
    [InlineData("${EMPTY:+alt}", "")]
    [InlineData("${EMPTY+alt}", "alt")]
    [InlineData("${UNSET+alt}", "")]
    [InlineData("${UNSET:-$FOO}", "foo")]
    [InlineData("\\$FOO", "$FOO")]
    [InlineData("'$FOO'", "$FOO")]
    [InlineData("\"$FOO\"", "foo")]
    [InlineData("\"\\$FOO\"", "$FOO")]
    [InlineData("\"a\\nb\"", "a\\nb")]
    [InlineData("\"say \\\"hi\\\"\"", "say \"hi\"")]
    [InlineData("a\\ b", "a b")]
    [InlineData("$", "$")]
    [InlineData("$1", "")]
    [InlineData("${PATH_VAR##*/}", "tool.tar.gz")]
    [InlineData("${PATH_VAR#*/}", "usr/local/bin/tool.tar.gz")]
    [InlineData("${PATH_VAR%.*}", "/usr/local/bin/tool.tar")]
    [InlineData("${PATH_VAR%%.*}", "/usr/local/bin/tool")]
    public void Expand_DockerExamples_GiveDockerResults(string word, string expected)
    {
        Assert.Equal(expected, ShellWords.Expand(word, Lookup, '\\'));
    }

    [Fact]
    public void Expand_BacktickEscape_EscapesDollarAndLeavesBackslash()
    {
        Assert.Equal("c:\\dir\\$FOO", ShellWords.Expand("c:\\dir\\`$FOO", Lookup, '`'));
    }

    [Theory]
    [InlineData("${UNSET:?must be set}", "UNSET: must be set")]
    [InlineData("${UNSET?}", "UNSET: is not allowed to be unset")]
    [InlineData("${EMPTY:?}", "EMPTY: is not allowed to be empty")]
    [InlineData("${FOO", "missing '}'")]
    [InlineData("${}", "bad substitution")]
    [InlineData("${:x}", "bad substitution")]
    [InlineData("${FOO:*x}", "unsupported modifier (*)")]
    [InlineData("'open", "matching single-quote")]
    [InlineData("\"open", "matching double-quote")]
    public void Expand_BadSubstitution_ThrowsSyntaxError(string word, string problem)
    {
        var error = Assert.Throws<DockerfileSyntaxException>(() => ShellWords.Expand(word, Lookup, '\\'));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_ErrorVariableSet_ReturnsValue()
    {
        Assert.Equal("foo", ShellWords.Expand("${FOO:?unset}", Lookup, '\\'));
    }

    [Fact]
    public void ExpandFields_SplitsUnquotedWhitespaceAndExpansions()
    {
        var fields = ShellWords.ExpandFields("a \"b c\" 'd  e' $SPACED \"$SPACED\" '' x\\ y", Lookup, '\\');

        Assert.Equal(["a", "b c", "d  e", "a", "b", "a  b", "x y"], fields);
    }

    [Fact]
    public void ExpandFields_EmptyInput_GivesNoFields()
    {
        Assert.Empty(ShellWords.ExpandFields("   ", Lookup, '\\'));
    }

    [Fact]
    public void Expand_HugeExpansion_IsRefused()
    {
        var big = new string('x', 1 << 20);
        var word = string.Concat(Enumerable.Repeat("$BIG", 20));

        Assert.Throws<DockerfileSyntaxException>(() => ShellWords.Expand(word, n => n == "BIG" ? big : null, '\\'));
    }
}
