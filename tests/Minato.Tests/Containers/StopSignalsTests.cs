using Minato.Engine.Containers;
using Minato.Engine.Errors;

namespace Minato.Tests.Containers;

/// <summary>Stop signal names as images and the CRI write them.</summary>
public sealed class StopSignalsTests
{
    [Theory]
    [InlineData("SIGTERM", 15)]
    [InlineData("TERM", 15)]
    [InlineData("sigkill", 9)]
    [InlineData("SIGQUIT", 3)]
    [InlineData("SIGWINCH", 28)]
    [InlineData("2", 2)]
    [InlineData("SIGRTMIN+3", 37)]
    public void Parse_KnownSignal_ReturnsItsNumber(string signal, int number) => Assert.Equal(number, StopSignals.Parse(signal));

    [Theory]
    [InlineData("")]
    [InlineData("SIG")]
    [InlineData("SIGNOPE")]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("-9")]
    public void Parse_NotASignal_IsInvalidInput(string signal) => Assert.Throws<InvalidInputException>(() => StopSignals.Parse(signal));
}
