using Microsoft.AspNetCore.Server.Kestrel.Core;
using Minato.Streaming.Http2;

namespace Minato.Tests.Streaming.Http2;

public sealed class AuthorityRewriteLimitsTests
{
    [Fact]
    public void From_KestrelDefaults_MatchDefault()
    {
        Assert.Equal(AuthorityRewriteLimits.Default, AuthorityRewriteLimits.From(new KestrelServerOptions()));
        Assert.Equal(new AuthorityRewriteLimits(4096, 65536, 65536, 16384), AuthorityRewriteLimits.Default);
    }

    [Fact]
    public void From_RaisedKestrelLimits_FollowThem()
    {
        var options = new KestrelServerOptions();
        options.Limits.Http2.HeaderTableSize = 65536;
        options.Limits.Http2.MaxFrameSize = 32768;
        options.Limits.MaxRequestHeadersTotalSize = 128 * 1024;

        Assert.Equal(new AuthorityRewriteLimits(65536, 131072, 131072, 32768), AuthorityRewriteLimits.From(options));
    }

    [Fact]
    public void From_LoweredHeaderTableSize_StillMirrorsProtocolDefault()
    {
        // Until the client acknowledges the server's SETTINGS it may use the 4096-octet default.
        var options = new KestrelServerOptions();
        options.Limits.Http2.HeaderTableSize = 0;

        Assert.Equal(4096, AuthorityRewriteLimits.From(options).MaxDynamicTableSize);
    }
}
