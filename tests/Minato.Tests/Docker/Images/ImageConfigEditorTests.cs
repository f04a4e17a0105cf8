using System.Text.Json;
using System.Text.Json.Nodes;
using Minato.Docker.Containers;
using Minato.Docker.Http;
using Minato.Docker.Images;

namespace Minato.Tests.Docker.Images;

public sealed class ImageConfigEditorTests
{
    [Fact]
    public void ApplyChanges_EveryAllowedInstruction_SetsDockerConfigFields()
    {
        var config = new JsonObject { ["Env"] = new JsonArray("PATH=/bin", "FOO=old"), ["WorkingDir"] = "/srv" };

        ImageConfigEditor.ApplyChanges(config,
        [
            "CMD [\"sh\", \"-c\", \"echo hi\"]",
            "entrypoint /entry.sh --flag",
            "ENV FOO=new BAR=\"two words\"",
            "ENV LEGACY value with spaces",
            "LABEL team=ci \"quoted key\"=v",
            "EXPOSE 80 53/udp",
            "VOLUME [\"/data\", \"/cache\"]",
            "ONBUILD RUN echo child",
            "USER 1000:1000",
            "WORKDIR app",
            "STOPSIGNAL SIGINT",
        ]);

        Assert.Equal(["sh", "-c", "echo hi"], Strings(config["Cmd"]));
        Assert.Equal(["/bin/sh", "-c", "/entry.sh --flag"], Strings(config["Entrypoint"]));
        Assert.Equal(["PATH=/bin", "FOO=new", "BAR=two words", "LEGACY=value with spaces"], Strings(config["Env"]));
        Assert.Equal("ci", config["Labels"]!["team"]!.GetValue<string>());
        Assert.Equal("v", config["Labels"]!["quoted key"]!.GetValue<string>());
        Assert.Equal(["80/tcp", "53/udp"], ((JsonObject)config["ExposedPorts"]!).Select(p => p.Key));
        Assert.Equal(["/data", "/cache"], ((JsonObject)config["Volumes"]!).Select(p => p.Key));
        Assert.Equal(["RUN echo child"], Strings(config["OnBuild"]));
        Assert.Equal("1000:1000", config["User"]!.GetValue<string>());
        Assert.Equal("/srv/app", config["WorkingDir"]!.GetValue<string>());
        Assert.Equal("SIGINT", config["StopSignal"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("RUN echo no", "run is not a valid change command")]
    [InlineData("FROM busybox", "from is not a valid change command")]
    [InlineData("CMD", "CMD requires at least one argument")]
    [InlineData("ENV =x", "\"=x\" is not KEY=VALUE")]
    [InlineData("VOLUME [\"/a\",", "not a JSON array of strings")]
    public void ApplyChanges_BadInstruction_400NamingIt(string change, string message)
    {
        var error = Assert.Throws<DockerApiException>(() => ImageConfigEditor.ApplyChanges(new JsonObject(), [change]));

        Assert.Equal(400, error.Status);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_EntrypointWithoutCmd_DropsImageCmdAndMergesEnvByKey()
    {
        var config = new JsonObject { ["Cmd"] = new JsonArray("sh"), ["Env"] = new JsonArray("A=1", "B=2") };

        ImageConfigEditor.Merge(config, new ContainerConfig { Entrypoint = ["/bin/app"], Env = ["B=3", "C=4"], Labels = new() { ["x"] = "y" } });

        Assert.Null(config["Cmd"]);
        Assert.Equal(["/bin/app"], Strings(config["Entrypoint"]));
        Assert.Equal(["A=1", "B=3", "C=4"], Strings(config["Env"]));
        Assert.Equal("y", config["Labels"]!["x"]!.GetValue<string>());
    }

    [Fact]
    public void Write_ParentDocument_AppendsDiffIdAndHistoryKeepingTheRest()
    {
        var parent = JsonNode.Parse("""
            {"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},"container_config":{"Cmd":["old"]},
             "rootfs":{"type":"layers","diff_ids":["sha256:aa"]},"history":[{"created_by":"base"}]}
            """)!.AsObject();
        var config = parent["config"]!.DeepClone().AsObject();

        var bytes = ImageConfigEditor.Write(parent, config, "sha256:bb", "sh -c make", "a comment", "me", DateTimeOffset.UnixEpoch);

        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        Assert.Equal(["sha256:aa", "sha256:bb"], root.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(2, root.GetProperty("history").GetArrayLength());
        Assert.Equal("sh -c make", root.GetProperty("history")[1].GetProperty("created_by").GetString());
        Assert.Equal("a comment", root.GetProperty("history")[1].GetProperty("comment").GetString());
        Assert.Equal("me", root.GetProperty("author").GetString());
        Assert.Equal("1970-01-01T00:00:00.0000000Z", root.GetProperty("created").GetString());
        Assert.False(root.TryGetProperty("container_config", out _));
        Assert.Equal("sh", root.GetProperty("config").GetProperty("Cmd")[0].GetString());
    }

    [Theory]
    [InlineData("app", null, "docker.io/library/app:latest")]
    [InlineData("registry:5000/app:v1", null, "registry:5000/app:v1")]
    [InlineData("registry:5000/app", "v2", "registry:5000/app:v2")]
    [InlineData(null, "v2", null)]
    public void Name_RepoAndTag_NormalisedTaggedName(string? repo, string? tag, string? expected) =>
        Assert.Equal(expected, RootfsImport.Name(repo, tag));

    [Fact]
    public void Name_BadRepo_400()
    {
        var error = Assert.Throws<DockerApiException>(() => RootfsImport.Name("bad repo", null));

        Assert.Equal(400, error.Status);
        Assert.StartsWith("repo:", error.Message, StringComparison.Ordinal);
    }

    private static List<string> Strings(JsonNode? node) => [.. ((JsonArray)node!).Select(n => n!.GetValue<string>())];
}
