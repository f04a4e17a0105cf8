using System.Runtime.InteropServices;

namespace Minato.Cli;

/// <summary>SIGINT, SIGTERM and SIGHUP turned into cancellation, so a streaming verb restores the terminal and closes its
/// streams instead of dying where it stands.</summary>
internal sealed class InterruptSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly PosixSignalRegistration[] _registrations;
    private int _signal;

    public InterruptSignals(CancellationToken cancellationToken)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _registrations = [Register(PosixSignal.SIGINT, 2), Register(PosixSignal.SIGTERM, 15), Register(PosixSignal.SIGHUP, 1)];
    }

    /// <summary>Cancelled by the first of the signals (or the caller's token).</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>The shell's exit code for the signal received (128 + its number); null while none came.</summary>
    public int? ExitCode => Volatile.Read(ref _signal) is var signal and > 0 ? 128 + signal : null;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }

    private PosixSignalRegistration Register(PosixSignal signal, int number) => PosixSignalRegistration.Create(signal, context =>
    {
        context.Cancel = true;
        Interlocked.CompareExchange(ref _signal, number, 0);
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The verb has finished.
        }
    });
}
