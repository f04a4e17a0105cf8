using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Minato.Configuration;
using Minato.Docker;

namespace Minato.Daemon;

/// <summary>The Docker Engine API's own Kestrel endpoint: a Unix socket, or TCP that only admits TLS client certificates.</summary>
internal static class DockerListener
{
    /// <summary>Adds the endpoint <paramref name="settings"/> names (validated by the config loader).</summary>
    public static void Add(KestrelServerOptions kestrel, DockerApiSettings settings)
    {
        if (settings.IsUnix)
        {
            kestrel.ListenUnixSocket(settings.SocketPath, listen => listen.UseDockerApi());
            return;
        }

        var uri = new Uri(settings.Listen);
        var ca = LoadCa(settings.TlsCa);
        var certificate = LoadCertificate(settings.TlsCert, settings.TlsKey);
        var address = uri.Host is "" or "0.0.0.0" ? IPAddress.Any : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? ip
            : throw new DaemonStartupException($"docker_api.listen: \"{uri.Host}\" is not an IP address");
        kestrel.Listen(address, uri.Port, listen =>
        {
            listen.UseHttps(https =>
            {
                https.ServerCertificate = certificate;

                // As dockerd --tlsverify: no client certificate, or one not issued by tls_ca, no connection.
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (client, _, _) => ChainsTo(client, ca);
            });
            listen.UseDockerApi();
        });
    }

    private static bool ChainsTo(X509Certificate2 client, X509Certificate2Collection ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
        return chain.Build(client);
    }

    private static X509Certificate2 LoadCertificate(string cert, string key)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(cert, key);
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new DaemonStartupException($"docker_api.tls_cert/tls_key: cannot load {cert} with {key}: {e.Message}");
        }
    }

    private static X509Certificate2Collection LoadCa(string path)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException)
        {
            throw new DaemonStartupException($"docker_api.tls_ca: cannot load {path}: {e.Message}");
        }

        return collection.Count > 0 ? collection : throw new DaemonStartupException($"docker_api.tls_ca: {path} holds no certificate");
    }
}
