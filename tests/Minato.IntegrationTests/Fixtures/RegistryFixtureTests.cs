using System.Net;
using System.Security.Cryptography;
using Minato.Testing;
using Xunit.Abstractions;

namespace Minato.IntegrationTests.Fixtures;

/// <summary>Every test image pushes to a real registry in every auth mode and comes back with the built digests.</summary>
public sealed class RegistryFixtureTests(RegistriesFixture registries, ITestOutputHelper output) : IClassFixture<RegistriesFixture>, IDisposable
{
    public static TheoryData<RegistryAuth, string> EveryImageInEveryMode
    {
        get
        {
            var data = new TheoryData<RegistryAuth, string>();
            foreach (var auth in Enum.GetValues<RegistryAuth>())
            {
                foreach (var name in TestImageRecipes.Names)
                {
                    data.Add(auth, name);
                }
            }

            return data;
        }
    }

    public void Dispose() => output.WriteLine(registries.LogTail());

    [Theory]
    [MemberData(nameof(EveryImageInEveryMode))]
    public async Task PushAsync_EachImageInEachAuthMode_ServesTheBuiltManifestsAndBlobs(RegistryAuth auth, string name)
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.ByName(name));
        var registry = registries.For(auth);

        var pushed = await registry.PushAsync(image, $"fixtures/{name}:v1");

        Assert.Equal(image.Digest, pushed.Digest);
        Assert.Equal($"{registry.Host}/fixtures/{name}:v1", pushed.Reference);
        using var http = new RegistryHttp(registry, registry.Credentials);
        await AssertServedAsync(http, pushed.Repository, $"manifests/{pushed.Tag}", image.Root);
        foreach (var manifest in image.Manifests)
        {
            await AssertServedAsync(http, pushed.Repository, $"manifests/{manifest.Descriptor.Digest}", manifest.Descriptor);
            await AssertServedAsync(http, pushed.Repository, $"blobs/{manifest.Config.Digest}", manifest.Config);
            foreach (var layer in manifest.Layers)
            {
                await AssertServedAsync(http, pushed.Repository, $"blobs/{layer.Digest}", layer);
            }
        }
    }

    [Theory]
    [InlineData(RegistryAuth.Basic, "Basic")]
    [InlineData(RegistryAuth.Token, "Bearer")]
    public async Task Pull_Anonymous_Is401WithTheModesChallenge(RegistryAuth auth, string scheme)
    {
        var registry = registries.For(auth);
        var pushed = await registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "fixtures/private:v1");
        using var anonymous = new RegistryHttp(registry, credentials: null);

        using var response = await anonymous.GetAsync($"/v2/{pushed.Repository}/manifests/{pushed.Tag}", pushed.Repository);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(scheme, Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Theory]
    [InlineData(RegistryAuth.Basic)]
    [InlineData(RegistryAuth.Token)]
    public async Task Pull_WrongPassword_Is401AndRightPasswordIs200(RegistryAuth auth)
    {
        var registry = registries.For(auth);
        var pushed = await registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "fixtures/creds:v1");
        using var wrong = new RegistryHttp(registry, registry.Credentials! with { Password = "wrong" });
        using var right = new RegistryHttp(registry, registry.Credentials);

        using var refused = await wrong.GetAsync($"/v2/{pushed.Repository}/manifests/{pushed.Tag}", pushed.Repository);
        using var accepted = await right.GetAsync($"/v2/{pushed.Repository}/manifests/{pushed.Tag}", pushed.Repository);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task TokenServer_PushThenPull_SawTheRepositoryScopesWithTheRightCredentials()
    {
        var registry = registries.For(RegistryAuth.Token);
        var tokens = registry.TokenServer!;
        var pushed = await registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "fixtures/scoped:v1");
        using var http = new RegistryHttp(registry, registry.Credentials);
        using var anonymous = new RegistryHttp(registry, credentials: null);

        using var pulled = await http.GetAsync($"/v2/{pushed.Repository}/manifests/{pushed.Tag}", pushed.Repository);
        using var refused = await anonymous.GetAsync($"/v2/{pushed.Repository}/manifests/{pushed.Tag}", pushed.Repository);

        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var mine = tokens.Requests.Where(r => r.Scopes.Any(s => s.StartsWith("repository:fixtures/scoped:", StringComparison.Ordinal))).ToList();
        Assert.Contains(mine, r => r.Authenticated && r.Scopes.Contains("repository:fixtures/scoped:pull,push")
            && r.Granted.Any(g => g.Actions.Contains("push")));
        Assert.Contains(mine, r => r.Authenticated && r.Scopes.SequenceEqual(["repository:fixtures/scoped:pull"]) && r.Status == 200);
        Assert.Contains(mine, r => !r.PresentedCredentials && r.Status == 401 && r.Granted.Count == 0);
        Assert.All(mine.Where(r => r.PresentedCredentials), r => Assert.Equal(tokens.Service, r.Service));
    }

    [Fact]
    public async Task TokenServer_AnonymousPullEnabled_GrantsPullButNotPush()
    {
        await using var registry = await RegistryFixture.StartAsync(RegistryAuth.Token, new RegistryOptions { AnonymousPull = true });
        var pushed = await registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "fixtures/public:v1");
        using var anonymous = new RegistryHttp(registry, credentials: null);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using var pulled = await anonymous.GetAsync($"/v2/{pushed.Repository}/manifests/{pushed.Tag}", pushed.Repository);
        using var pushToken = await http.GetAsync(new Uri(registry.TokenServer!.Realm, $"?service={registry.TokenServer.Service}&scope=repository:fixtures/public:pull,push"));

        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, pushToken.StatusCode);
        var granted = registry.TokenServer.Requests[^1].Granted;
        Assert.Equal(["pull"], Assert.Single(granted).Actions);
    }

    [Fact]
    public async Task TokenServer_OAuthPasswordThenRefreshGrant_IssuesTokensTheRegistryAccepts()
    {
        var registry = registries.For(RegistryAuth.Token);
        var tokens = registry.TokenServer!;
        var pushed = await registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "fixtures/oauth:v1");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var scope = $"repository:{pushed.Repository}:pull";

        using var password = await PostFormAsync(http, tokens, new() { ["grant_type"] = "password", ["username"] = registry.Credentials!.Username,
            ["password"] = registry.Credentials.Password, ["service"] = tokens.Service, ["scope"] = scope, ["client_id"] = "minato-tests" });
        using var refreshed = await PostFormAsync(http, tokens, new() { ["grant_type"] = "refresh_token",
            ["refresh_token"] = password.RootElement.GetProperty("refresh_token").GetString()!, ["service"] = tokens.Service, ["scope"] = scope });
        using var manifest = new HttpRequestMessage(HttpMethod.Get, new Uri(registry.BaseAddress, $"v2/{pushed.Repository}/manifests/{pushed.Tag}"));
        manifest.Headers.Authorization = new("Bearer", refreshed.RootElement.GetProperty("access_token").GetString());
        manifest.Headers.TryAddWithoutValidation("Accept", RegistryHttp.ManifestAccept);
        using var response = await http.SendAsync(manifest);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(tokens.Requests.Count(r => r.Method == "POST" && r.Authenticated && r.Scopes.SequenceEqual([scope])) >= 2);
    }

    private static async Task<System.Text.Json.JsonDocument> PostFormAsync(HttpClient http, TokenServer tokens, Dictionary<string, string> form)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(tokens.Realm, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task AssertServedAsync(RegistryHttp http, string repository, string path, OciDescriptor expected)
    {
        using var response = await http.GetAsync($"/v2/{repository}/{path}", repository, accept: expected.MediaType + ", */*");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}");
        await using var body = await response.Content.ReadAsStreamAsync();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long size = 0;
        for (int read; (read = await body.ReadAsync(buffer)) > 0; size += read)
        {
            hash.AppendData(buffer, 0, read);
        }

        Assert.Equal(expected.Digest, "sha256:" + Convert.ToHexStringLower(hash.GetCurrentHash()));
        Assert.Equal(expected.Size, size);
        if (path.StartsWith("manifests/", StringComparison.Ordinal))
        {
            Assert.Equal(expected.MediaType, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(expected.Digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        }
    }
}
