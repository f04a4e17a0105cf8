using Minato.Docker.Containers;
using Minato.Docker.Http;

namespace Minato.Tests.Docker.Containers;

public sealed class ContainerNamesTests
{
    [Theory]
    [InlineData("web", "/web")]
    [InlineData("/web-1.a_b", "/web-1.a_b")]
    public void Checked_ValidName_StoredWithSlash(string requested, string stored)
    {
        Assert.Equal(stored, ContainerNames.Checked(requested));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("-web")]
    [InlineData("we b")]
    [InlineData("web/x")]
    [InlineData("")]
    public void Checked_InvalidName_Throws400LikeDockerd(string requested)
    {
        var e = Assert.Throws<DockerApiException>(() => ContainerNames.Checked(requested));

        Assert.Equal(400, e.Status);
        Assert.StartsWith("Invalid container name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_AdjectiveUnderscoreSurname()
    {
        var name = ContainerNames.Generate(_ => false);

        Assert.Matches("^/[a-z]+_[a-z]+$", name);
        Assert.Equal(name, ContainerNames.Checked(name));
    }

    [Fact]
    public void Generate_Taken_TriesAgainThenAddsDigit()
    {
        var tried = new List<string>();

        var name = ContainerNames.Generate(n =>
        {
            tried.Add(n);
            return tried.Count <= 3;
        });

        Assert.Equal(4, tried.Count);
        Assert.Matches("^/[a-z]+_[a-z]+[0-9]$", name);
    }
}
