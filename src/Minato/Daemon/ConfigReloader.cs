using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Minato.Configuration;
using Minato.Engine.Errors;
using Minato.Engine.Images.Registry;
using Minato.Engine.Network;

namespace Minato.Daemon;

/// <summary>
/// Re-reads what can change without a restart: registries.conf, the registry auth file and the log level (from
/// minato.toml, with the daemon's flags), and looks at the CNI config directory again. Everything is parsed before
/// anything is applied: a file that does not parse is reported and the running configuration kept whole.
/// </summary>
/// <remarks>The CNI directory is read on every pod start already; a reload reports which network it now finds.
/// Keys that need a restart (sockets, directories, runtimes) are read but not applied.</remarks>
internal sealed partial class ConfigReloader(
    Func<MinatoConfig> reread, RegistrySettings registries, LogLevelSwitch levels, CniConfigDirectory cni, ILogger<ConfigReloader> logger)
{
    private readonly Lock _gate = new();

    /// <summary>Reloads; returns one line per thing now in force.</summary>
    /// <exception cref="InvalidInputException">A file does not parse; nothing was changed.</exception>
    public IReadOnlyList<string> Reload()
    {
        lock (_gate)
        {
            MinatoConfig next;
            RegistriesConfig registriesConfig;
            CredentialStore credentials;
            string? registriesPath;
            try
            {
                next = reread();
                registriesPath = RegistriesConfigLoader.Locate(next.Images.RegistriesConfig);
                registriesConfig = RegistriesConfigLoader.Load(registriesPath);
                credentials = next.Images.RegistryAuthFile.Length > 0 ? CredentialStore.Load(next.Images.RegistryAuthFile) : CredentialStore.Empty;
            }
            catch (Exception e) when (e is ConfigException or InvalidInputException)
            {
                Refused(logger, e.Message);
                throw new InvalidInputException($"configuration not reloaded, the running one is kept: {e.Message}", e);
            }

            registries.Replace(registriesConfig, credentials);
            levels.Level = next.LogLevel;
            var probe = cni.Probe();
            List<string> notes =
            [
                $"registries: {registriesPath ?? "(none)"}",
                $"registry credentials: {(next.Images.RegistryAuthFile.Length > 0 ? next.Images.RegistryAuthFile : "(none)")}",
                $"log level: {next.LogLevel}",
                probe.Network is { } network ? $"pod network: {network.Path}" : $"pod network: none ({probe.Problem})",
            ];
            Reloaded(logger, string.Join("; ", notes));
            return notes;
        }
    }

    /// <summary>Reloads on SIGHUP (instead of the signal's default, which ends the process) until disposed.</summary>
    public static PosixSignalRegistration OnHangup(ConfigReloader reloader) => PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
    {
        context.Cancel = true;
        _ = Task.Run(() =>
        {
            try
            {
                reloader.Reload();
            }
            catch (InvalidInputException)
            {
                // Already logged; a signal has no one to answer.
            }
        });
    });

    [LoggerMessage(30, LogLevel.Information, "configuration reloaded: {Notes}")]
    private static partial void Reloaded(ILogger logger, string notes);

    [LoggerMessage(31, LogLevel.Error, "configuration reload refused, the running configuration is kept: {Reason}")]
    private static partial void Refused(ILogger logger, string reason);
}
