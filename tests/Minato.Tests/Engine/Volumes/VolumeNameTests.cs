using Minato.Engine.Errors;
using Minato.Engine.Volumes;

namespace Minato.Tests.Engine.Volumes;

public sealed class VolumeNameTests
{
    [Theory]
    [InlineData("db")]
    [InlineData("my_vol.1-a")]
    [InlineData("0abc")]
    public void IsValid_DockerdRule_Accepted(string name) => Assert.True(VolumeName.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("_x")]
    [InlineData("a/b")]
    [InlineData("../etc")]
    [InlineData("a b")]
    [InlineData("/abs")]
    [InlineData("vol\n")]
    public void IsValid_OutsideTheRule_Refused(string name) => Assert.False(VolumeName.IsValid(name));

    [Fact]
    public void Check_LongerThanAFileName_Refused() =>
        Assert.Throws<InvalidInputException>(() => VolumeName.Check(new string('a', VolumeName.MaxLength + 1)));

    [Fact]
    public void Check_Traversal_MessageNamesTheRule()
    {
        var e = Assert.Throws<InvalidInputException>(() => VolumeName.Check("../x"));

        Assert.Contains("\"../x\" includes invalid characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NewAnonymous_Is64LowercaseHexAndValid()
    {
        var name = VolumeName.NewAnonymous();

        Assert.Matches("^[0-9a-f]{64}$", name);
        Assert.True(VolumeName.IsValid(name));
    }
}
