using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Minato.Testing;

/// <summary>Access granted to one resource, as the <c>access</c> claim of a registry token lists it.</summary>
public sealed record ResourceAccess(string Type, string Name, IReadOnlyList<string> Actions);

/// <summary>Signs registry bearer tokens (ES256 JWTs) with a P-256 key whose self-signed certificate the registry trusts.</summary>
/// <remarks>The certificate travels in the JWT's <c>x5c</c> header: docker-registry 2.8 verifies that chain against its
/// <c>rootcertbundle</c>, then checks <c>iss</c>, <c>aud</c> (the service), <c>exp</c> and <c>nbf</c>.</remarks>
internal sealed class TokenIssuer : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _certificate;

    public TokenIssuer(string issuer)
    {
        Issuer = issuer;
        var request = new CertificateRequest($"CN={issuer}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        var now = DateTimeOffset.UtcNow;
        _certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }

    public string Issuer { get; }

    /// <summary>The PEM certificate for the registry's <c>rootcertbundle</c>.</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    public string Issue(string service, string subject, IReadOnlyList<ResourceAccess> access, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject
        {
            ["typ"] = "JWT",
            ["alg"] = "ES256",
            ["x5c"] = new JsonArray(Convert.ToBase64String(_certificate.RawData)),
        };
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = subject,
            ["aud"] = service,
            ["exp"] = now + (long)lifetime.TotalSeconds,
            ["nbf"] = now - 5,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = new JsonArray([.. access.Select(a => (JsonNode)new JsonObject
            {
                ["type"] = a.Type,
                ["name"] = a.Name,
                ["actions"] = new JsonArray([.. a.Actions.Select(x => (JsonNode)JsonValue.Create(x))]),
            })]),
        };
        var signingInput = Base64Url(header.ToJsonString()) + "." + Base64Url(claims.ToJsonString());
        // JWS wants the raw r||s signature, which is .NET's default (IEEE P1363) format.
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
        return signingInput + "." + Base64Url(signature);
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
    }

    private static string Base64Url(string text) => Base64Url(Encoding.UTF8.GetBytes(text));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
