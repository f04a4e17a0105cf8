namespace Minato.Engine.Images.Registry;

/// <summary>The registries configuration and credentials in force, replaced whole when the daemon reloads them.</summary>
/// <remarks>A pull reads both once per attempt, so a reload never mixes an old mirror list with new credentials inside
/// one resolution; pulls already running finish with what they started with.</remarks>
public sealed class RegistrySettings(RegistriesConfig registries, CredentialStore credentials)
{
    private volatile Snapshot current = new(registries, credentials);

    public RegistriesConfig Registries => current.Registries;

    public CredentialStore Credentials => current.Credentials;

    /// <summary>Both, read together.</summary>
    public (RegistriesConfig Registries, CredentialStore Credentials) Read() => (current.Registries, current.Credentials);

    /// <summary>Puts a new configuration in force for pulls that start from now on.</summary>
    public void Replace(RegistriesConfig registries, CredentialStore credentials) => current = new Snapshot(registries, credentials);

    private sealed record Snapshot(RegistriesConfig Registries, CredentialStore Credentials);
}
