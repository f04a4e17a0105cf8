using System.Text;
using Minato.Streaming.Http2;

namespace Minato.Tests.Streaming.Http2;

public sealed class AuthorityRuleTests
{
    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:50051")]
    [InlineData("127.0.0.1:1234")]
    [InlineData("[::1]")]
    [InlineData("[::1]:8080")]
    [InlineData("[fe80::1:2]")]
    [InlineData("unix.sock.example")]
    [InlineData("minato.sock")]
    [InlineData("my_host-1~a")]
    [InlineData("")]
    public void IsHostAndPort_Host_True(string authority)
    {
        Assert.True(AuthorityRule.IsHostAndPort(Encoding.ASCII.GetBytes(authority)));
    }

    [Theory]
    [InlineData("/run/minato/minato.sock")]
    [InlineData("/tmp/x/x.sock")]
    [InlineData("/")]
    [InlineData("unix:///run/minato/minato.sock")]
    [InlineData("unix:/run/minato/minato.sock")]
    [InlineData("@minato")]
    [InlineData("run/minato.sock/")]
    [InlineData(":80")]
    [InlineData("localhost:")]
    [InlineData("localhost:http")]
    [InlineData("localhost:123456")]
    [InlineData("[::1")]
    [InlineData("[::]")]
    [InlineData("[fe80::1%eth0]")]
    [InlineData("[::1]x")]
    [InlineData("a b")]
    [InlineData("user@host")]
    public void IsHostAndPort_PathOrInvalid_False(string authority)
    {
        Assert.False(AuthorityRule.IsHostAndPort(Encoding.ASCII.GetBytes(authority)));
    }
}
