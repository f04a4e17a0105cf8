using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;

namespace Minato.Tests.Docker.Http;

public sealed class DockerRequestTests
{
    [Theory]
    [InlineData("False", false)]
    [InlineData("FALSE", false)]
    [InlineData(" no ", false)]
    [InlineData("0", false)]
    [InlineData("None", false)]
    [InlineData("", false)]
    [InlineData("True", true)]
    [InlineData("1", true)]
    public void QueryBool_AsDockerdsBoolValue_CaseInsensitiveSoDockerPysFalseIsFalse(string text, bool expected)
    {
        var http = new DefaultHttpContext();
        http.Request.QueryString = QueryString.Create("link", text);
        var request = new DockerRequest(http, ApiVersion.Current, new Dictionary<string, string>());

        Assert.Equal(expected, request.QueryBool("link"));
    }

    [Fact]
    public void QueryBool_Absent_False()
    {
        var request = new DockerRequest(new DefaultHttpContext(), ApiVersion.Current, new Dictionary<string, string>());

        Assert.False(request.QueryBool("force"));
    }
}
