using Minato.Engine.Images.Registry;

namespace Minato.Tests.Images.Registry;

public sealed class AuthChallengeTests
{
    [Fact]
    public void Parse_BearerWithQuotedCommas_ReadsEveryParameter()
    {
        var challenge = AuthChallenge.Parse(
            "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:a/b:pull,push\"");

        Assert.True(challenge!.IsBearer);
        Assert.Equal("https://auth.docker.io/token", challenge.Realm);
        Assert.Equal("registry.docker.io", challenge.Service);
        Assert.Equal("repository:a/b:pull,push", challenge.Scope);
    }

    [Fact]
    public void Parse_BasicWithEscapedQuote_Unescapes()
    {
        var challenge = AuthChallenge.Parse("Basic realm=\"say \\\"hi\\\"\"");

        Assert.True(challenge!.IsBasic);
        Assert.Equal("say \"hi\"", challenge.Realm);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_Empty_Null(string? header) => Assert.Null(AuthChallenge.Parse(header));

    [Theory]
    [InlineData("dXNlcjpwYXNz", null, "user", "pass")]
    [InlineData(null, "user", "user", null)]
    public void RegistryCredential_FromAuthField_DecodesUserAndPassword(string? auth, string? username, string expectedUser, string? expectedPassword)
    {
        var credential = RegistryCredential.From(username, null, auth, null, null);

        Assert.Equal(expectedUser, credential!.Username);
        Assert.Equal(expectedPassword, credential.Password);
        Assert.DoesNotContain("pass", credential.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("registry-1.docker.io", "docker.io")]
    [InlineData("localhost:5000/path", "localhost:5000")]
    public void HostOf_ServerAddresses_NormalisedToHost(string address, string host) =>
        Assert.Equal(host, RegistryCredential.HostOf(address));
}
