using System.Text;

namespace Minato.Testing;

/// <summary>Writes the files a docker-registry 2.8 instance needs: its YAML config, an htpasswd file, a token cert bundle.</summary>
/// <remarks>Keys follow the distribution configuration reference; health checks and upload purging are off so a test
/// registry does no background work.</remarks>
internal static class RegistryConfig
{
    public const string Service = "minato-test-registry";
    public const string Issuer = "minato-test-token-issuer";

    public static string Write(string directory, int port, RegistryAuth auth, RegistryCredentials credentials, TokenServer? tokens)
    {
        var yaml = new StringBuilder()
            .AppendLine("version: 0.1")
            .AppendLine("log:")
            .AppendLine("  level: info")
            .AppendLine("  formatter: text")
            .AppendLine("storage:")
            .AppendLine("  filesystem:")
            .AppendLine($"    rootdirectory: {Quote(Path.Combine(directory, "storage"))}")
            .AppendLine("  delete:")
            .AppendLine("    enabled: true")
            .AppendLine("  maintenance:")
            .AppendLine("    uploadpurging:")
            .AppendLine("      enabled: false")
            .AppendLine("http:")
            .AppendLine($"  addr: 127.0.0.1:{port}")
            .AppendLine($"  secret: {Quote(Guid.NewGuid().ToString("N"))}")
            .AppendLine("health:")
            .AppendLine("  storagedriver:")
            .AppendLine("    enabled: false");
        switch (auth)
        {
            case RegistryAuth.Basic:
                var htpasswd = Path.Combine(directory, "htpasswd");
                // bcrypt is the only hash docker-registry's htpasswd support accepts.
                File.WriteAllText(htpasswd, $"{credentials.Username}:{BCrypt.Net.BCrypt.HashPassword(credentials.Password, workFactor: 5)}\n");
                yaml.AppendLine("auth:")
                    .AppendLine("  htpasswd:")
                    .AppendLine("    realm: minato-test")
                    .AppendLine($"    path: {Quote(htpasswd)}");
                break;
            case RegistryAuth.Token:
                var bundle = Path.Combine(directory, "token-ca.pem");
                File.WriteAllText(bundle, tokens!.CertificatePem);
                yaml.AppendLine("auth:")
                    .AppendLine("  token:")
                    .AppendLine($"    realm: {Quote(tokens.Realm.ToString())}")
                    .AppendLine($"    service: {Quote(tokens.Service)}")
                    .AppendLine($"    issuer: {Quote(tokens.Issuer)}")
                    .AppendLine($"    rootcertbundle: {Quote(bundle)}");
                break;
            case RegistryAuth.None:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(auth), auth, null);
        }

        var path = Path.Combine(directory, "config.yml");
        File.WriteAllText(path, yaml.ToString());
        return path;
    }

    // Double-quoted YAML scalars: only the backslash and the quote need escaping.
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
