using Minato.Engine.Oci;

namespace Minato.Tests.Engine.Oci;

public sealed class CriuLogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Errors_DumpLogWithErrors_ReturnsOnlyTheErrorLines()
    {
        var log = _dir.Write("dump.log", """
            (00.176411) vdso: nbucket 3 nchain e
            (00.176416) Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds
            (00.176420) Error (criu/vdso.c:613): vdso: Failed to fill self vdso symtable
            (00.176473) Adjust mmap_min_addr 0x1000 -> 0x10000
            """);

        Assert.Equal(
            "(00.176416) Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds | (00.176420) Error (criu/vdso.c:613): vdso: Failed to fill self vdso symtable",
            CriuLog.Errors(log));
    }

    [Fact]
    public void Errors_MissingLog_ReturnsEmpty() => Assert.Equal(string.Empty, CriuLog.Errors(_dir.Combine("none.log")));

    [Fact]
    public void Errors_HugeLogOfErrors_IsBounded()
    {
        var log = _dir.Write("dump.log", string.Concat(Enumerable.Repeat("Error (criu/x.c:1): " + new string('x', 2000) + "\n", 2000)));

        Assert.True(CriuLog.Errors(log).Length < 6000);
    }
}
