using Minato.Testing.Metrics;

namespace Minato.Tests.Daemon;

public sealed class PrometheusTextTests
{
    private const string Valid =
        "# HELP a_total Things.\n# TYPE a_total counter\na_total{code=\"OK\",method=\"x\\\"y\"} 3\n" +
        "# HELP d_seconds Durations.\n# TYPE d_seconds histogram\nd_seconds_sum 1.5\nd_seconds_count 2\nd_seconds_bucket{le=\"+Inf\"} 2\n";

    [Fact]
    public void Parse_ValidExposition_ReadsFamiliesLabelsAndValues()
    {
        var families = PrometheusText.Parse(Valid);

        Assert.Equal("counter", families["a_total"].Type);
        var sample = Assert.Single(families["a_total"].Samples);
        Assert.True(sample.Has(("code", "OK"), ("method", "x\"y")));
        Assert.Equal(3, sample.Value);
        Assert.Equal(3, families["d_seconds"].Samples.Count);
        Assert.Equal("+Inf", families["d_seconds"].Samples[2].Labels["le"]);
        Assert.Equal(2, families["d_seconds"].Samples[2].Value);
    }

    [Theory]
    [InlineData("# TYPE a counter\na 1 2 3\n")]
    [InlineData("# TYPE a counter\na{b=\"c} 1\n")]
    [InlineData("# TYPE a counter\na{b=c} 1\n")]
    [InlineData("# TYPE a counter\na{b=\"c\",b=\"d\"} 1\n")]
    [InlineData("# TYPE a counter\na one\n")]
    [InlineData("# TYPE a counter\na 1")]
    [InlineData("a 1\n")]
    [InlineData("# TYPE a counter\nb 1\n")]
    [InlineData("# TYPE a counter\na 1\na 2\n")]
    [InlineData("# TYPE a widget\na 1\n")]
    [InlineData("# TYPE a counter\n\na 1\n")]
    [InlineData("# TYPE 1a counter\n1a 1\n")]
    [InlineData("# TYPE a histogram\na 1\n")]
    [InlineData("# TYPE a counter\n# TYPE a counter\n")]
    public void Parse_MalformedLine_Throws(string text) =>
        Assert.Throws<FormatException>(() => PrometheusText.Parse(text));
}
