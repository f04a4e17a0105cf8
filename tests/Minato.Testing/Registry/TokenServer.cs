using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Minato.Testing;

/// <summary>One request the token server answered, kept so tests can assert where credentials went.</summary>
/// <param name="Method">GET (Docker token protocol) or POST (OAuth2 form).</param>
/// <param name="Service">The <c>service</c> the client named.</param>
/// <param name="Scopes">The scopes asked for, such as <c>repository:busybox:pull</c>.</param>
/// <param name="Account">The <c>account</c> (GET) or <c>username</c> (POST) parameter.</param>
/// <param name="Username">The user name of the credentials presented, if any.</param>
/// <param name="PresentedCredentials">The client sent a user name and password (basic header or password grant).</param>
/// <param name="Authenticated">Those credentials were the right ones.</param>
/// <param name="Status">The HTTP status answered.</param>
/// <param name="Granted">The access the issued token carries; empty when no token was issued.</param>
public sealed record TokenRequest(string Method, string? Service, IReadOnlyList<string> Scopes, string? Account, string? Username,
    bool PresentedCredentials, bool Authenticated, int Status, IReadOnlyList<ResourceAccess> Granted);

/// <summary>A Docker-registry token service on 127.0.0.1 (<c>GET /token</c> with basic credentials, and the OAuth2
/// <c>POST /token</c> password and refresh-token grants) that issues tokens for the registry's <c>auth: token</c>.</summary>
/// <remarks>The right user gets every action asked for; anyone else is refused with 401, except that with anonymous pull
/// enabled a client without credentials gets <c>pull</c> only. Every request is recorded in <see cref="Requests"/>.</remarks>
public sealed class TokenServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TokenIssuer _issuer;
    private readonly RegistryCredentials _credentials;
    private readonly bool _anonymousPull;
    private readonly TimeSpan _lifetime;
    private readonly List<TokenRequest> _requests = [];
    private readonly Dictionary<string, string> _refreshTokens = [];

    private TokenServer(WebApplication app, TokenIssuer issuer, string service, RegistryCredentials credentials, bool anonymousPull, TimeSpan lifetime)
    {
        _app = app;
        _issuer = issuer;
        Service = service;
        _credentials = credentials;
        _anonymousPull = anonymousPull;
        _lifetime = lifetime;
    }

    /// <summary>The URL of the token endpoint, the <c>realm</c> of the registry's challenge.</summary>
    public Uri Realm { get; private set; } = null!;

    public string Service { get; }

    public string Issuer => _issuer.Issuer;

    /// <summary>The PEM certificate the registry must trust (its <c>rootcertbundle</c>).</summary>
    public string CertificatePem => _issuer.CertificatePem;

    /// <summary>Every request so far, in order.</summary>
    public IReadOnlyList<TokenRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<TokenServer> StartAsync(string service, string issuer, RegistryCredentials credentials, bool anonymousPull,
        TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new TokenServer(app, new TokenIssuer(issuer), service, credentials, anonymousPull, lifetime);
        app.MapGet("/token", server.HandleGetAsync);
        app.MapPost("/token", server.HandlePostAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Realm = new Uri(new Uri(address), "/token");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        _issuer.Dispose();
    }

    // The Docker token protocol: scopes as repeated query parameters, credentials as basic auth.
    private Task HandleGetAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var presented = RegistryCredentials.FromBasicHeader(context.Request.Headers.Authorization);
        var scopes = query["scope"].Where(s => !string.IsNullOrEmpty(s)).SelectMany(s => s!.Split(' ')).ToList();
        return RespondAsync(context, query["service"], scopes, query["account"], presented, includeRefresh: false);
    }

    // The OAuth2 form: grant_type password (username, password) or refresh_token; scopes space-separated.
    private async Task HandlePostAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var scopes = form["scope"].SelectMany(s => (s ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        RegistryCredentials? presented = form["grant_type"].ToString() switch
        {
            "password" => new RegistryCredentials(form["username"].ToString(), form["password"].ToString()),
            "refresh_token" => RefreshTokenOwner(form["refresh_token"].ToString()),
            _ => null,
        };
        await RespondAsync(context, form["service"], scopes, form["username"], presented, includeRefresh: true);
    }

    private async Task RespondAsync(HttpContext context, string? service, List<string> scopes, string? account,
        RegistryCredentials? presented, bool includeRefresh)
    {
        var authenticated = presented == _credentials;
        var status = StatusCodes.Status200OK;
        IReadOnlyList<ResourceAccess> granted = [];
        if (service is { Length: > 0 } && service != Service)
        {
            status = StatusCodes.Status400BadRequest;
        }
        else if (!authenticated && (presented is not null || !_anonymousPull))
        {
            status = StatusCodes.Status401Unauthorized;
        }
        else
        {
            granted = Grant(scopes, authenticated);
        }

        Record(new TokenRequest(context.Request.Method, service, scopes, account, presented?.Username, presented is not null, authenticated, status, granted));
        context.Response.StatusCode = status;
        if (status != StatusCodes.Status200OK)
        {
            await WriteJsonAsync(context, new JsonObject { ["details"] = "access to the token service denied" });
            return;
        }

        var token = _issuer.Issue(Service, authenticated ? _credentials.Username : "", granted, _lifetime);
        var body = new JsonObject
        {
            ["token"] = token,
            ["access_token"] = token,
            ["expires_in"] = (int)_lifetime.TotalSeconds,
            // RFC 3339 in UTC with "Z": Go reads the raw JSON literal, so an escaped "+00:00" offset would not parse.
            ["issued_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (includeRefresh && authenticated)
        {
            body["refresh_token"] = NewRefreshToken();
        }

        await WriteJsonAsync(context, body);
    }

    // JsonNode needs no reflection, so the server also works in trimmed or AOT hosts such as a benchmark.
    private static Task WriteJsonAsync(HttpContext context, JsonObject body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static List<ResourceAccess> Grant(IEnumerable<string> scopes, bool authenticated)
    {
        var granted = new List<ResourceAccess>();
        foreach (var scope in scopes)
        {
            // type:name:actions, where the name itself may hold a colon (a registry host with a port).
            var first = scope.IndexOf(':', StringComparison.Ordinal);
            var last = scope.LastIndexOf(':');
            if (first < 0 || last == first)
            {
                continue;
            }

            var asked = scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
            var actions = authenticated ? asked : asked.Where(a => a == "pull").ToArray();
            if (actions.Length > 0)
            {
                granted.Add(new ResourceAccess(scope[..first], scope[(first + 1)..last], actions));
            }
        }

        return granted;
    }

    private string NewRefreshToken()
    {
        var token = Guid.NewGuid().ToString("N");
        lock (_refreshTokens)
        {
            _refreshTokens[token] = _credentials.Username;
        }

        return token;
    }

    private RegistryCredentials? RefreshTokenOwner(string token)
    {
        lock (_refreshTokens)
        {
            return _refreshTokens.ContainsKey(token) ? _credentials : new RegistryCredentials("<refresh token>", token);
        }
    }

    private void Record(TokenRequest request)
    {
        lock (_requests)
        {
            _requests.Add(request);
        }
    }
}
