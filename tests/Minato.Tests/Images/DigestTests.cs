using Minato.Engine.Images;

namespace Minato.Tests.Images;

/// <summary>Digest parsing: canonical forms accepted, everything that could reach a path or URL unchecked refused.</summary>
public sealed class DigestTests
{
    private const string Hex64 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void Parse_CanonicalSha256_ExposesParts()
    {
        var digest = Digest.Parse($"sha256:{Hex64}");

        Assert.Equal("sha256", digest.Algorithm);
        Assert.Equal(Hex64, digest.Hex);
        Assert.Equal($"sha256:{Hex64}", digest.ToString());
        Assert.Equal(Digest.Compute([]), digest);
    }

    [Fact]
    public void Parse_CanonicalSha512_IsAccepted()
    {
        var hex = new string('a', 128);

        Assert.Equal(hex, Digest.Parse($"sha512:{hex}").Hex);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256")]
    [InlineData("sha256:")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha384:" + Hex64)]
    [InlineData("SHA256:" + Hex64)]
    [InlineData("sha256:" + "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("sha256:" + Hex64 + "0")]
    [InlineData("sha256:" + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")]
    [InlineData("sha256:../../../../etc/passwd0000000000000000000000000000000000000")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8/5")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85\n")]
    [InlineData("sha512:" + Hex64)]
    public void Parse_NonCanonical_ThrowsInvalidDigest(string value)
    {
        Assert.Throws<InvalidDigestException>(() => Digest.Parse(value));
        Assert.False(Digest.TryParse(value, out _));
    }
}
