using System.Text;
using Minato.Migrate;

namespace Minato.Tests.Migrate;

public sealed class ManifestReaderTests
{
    [Fact]
    public void Read_KubectlJsonList_YieldsEachItemWithItsLine()
    {
        var objects = Fixture.Read("nodes-mixed.json");

        Assert.Equal(7, objects.Count);
        Assert.Equal(6, objects.OfType<ClusterNode>().Count());
        var old = Assert.IsType<ClusterNode>(objects[0]);
        Assert.Equal("node-old", old.Ref.Name);
        Assert.Equal("docker://20.10.7", old.ContainerRuntimeVersion);
        Assert.Equal("v1.23.17", old.KubeletVersion);
        Assert.Equal(4, old.Location.Line);
        Assert.Equal(11, objects[1].Location.Line);
        Assert.Equal("Service", Assert.IsType<OtherObject>(objects[6]).Ref.Kind);
    }

    [Fact]
    public void Read_KubectlYamlListWithItemsBeforeKind_YieldsItems()
    {
        var objects = Fixture.Read("pods.yaml");

        Assert.Equal(7, objects.Count);
        Assert.All(objects, o => Assert.Equal("Pod", o.Ref.Kind));
        Assert.Equal(4, objects[0].Location.Line);
        var dind = Assert.IsType<PodTemplate>(objects[2]);
        Assert.True(dind.Spec.Containers[0].Privileged);
        Assert.Equal(new ObjectRef("DaemonSet", "logging", "fluentd"), Assert.IsType<PodTemplate>(objects[5]).Owner);
    }

    [Fact]
    public void Read_MultiDocumentYaml_YieldsEveryDocumentWithItsTemplate()
    {
        var objects = Fixture.Read("controllers.yaml");

        Assert.Equal(
            ["Deployment", "DaemonSet", "StatefulSet", "CronJob", "Job", "ReplicaSet", "ReplicationController", "ConfigMap", "Service"],
            objects.Select(o => o.Ref.Kind));
        var cronJob = Assert.IsType<PodTemplate>(objects[3]);
        Assert.Equal("/run/docker.sock", cronJob.Spec.HostPaths.Single().Path);
        Assert.Equal(56, cronJob.Location.Line);
    }

    [Fact]
    public void Read_TypedListWithoutItemKinds_TakesKindFromList()
    {
        var objects = Fixture.ReadText("""{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"a","namespace":"x"},"spec":{}}]}""");

        Assert.Equal(new ObjectRef("Pod", "x", "a"), Assert.IsType<PodTemplate>(Assert.Single(objects)).Ref);
    }

    [Fact]
    public void Read_SingleJsonObject_YieldsIt()
    {
        var objects = Fixture.ReadText("""
            {
              "kind": "Pod",
              "metadata": {"name": "one", "namespace": "ns"},
              "spec": {"containers": [{"name": "c", "image": "docker:dind"}]}
            }
            """, chunk: 5);

        Assert.Equal("docker:dind", Assert.IsType<PodTemplate>(Assert.Single(objects)).Spec.Containers[0].Image);
    }

    [Fact]
    public void Read_LargeJsonListInSmallReads_YieldsAllItemsWithLines()
    {
        var json = new StringBuilder("{\"apiVersion\":\"v1\",\"items\":[\n");
        for (var i = 0; i < 3000; i++)
        {
            json.Append(i == 0 ? "" : ",\n").Append("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p").Append(i).Append("\"},\"spec\":{}}");
        }

        json.Append("\n],\"kind\":\"List\"}");
        var objects = Fixture.ReadText(json.ToString(), chunk: 1000);

        Assert.Equal(3000, objects.Count);
        Assert.Equal("p2999", objects[^1].Ref.Name);
        Assert.Equal(3001, objects[^1].Location.Line);
    }

    [Fact]
    public void Read_JsonListOfManyMegabytes_KeepsTheBufferAtItsInitialSize()
    {
        var json = new StringBuilder("{\"kind\":\"List\",\"items\":[");
        var padding = new string('x', 1000);
        for (var i = 0; i < 5000; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"").Append(padding).Append("\"}}");
        }

        var stream = new TrickleStream(Encoding.UTF8.GetBytes(json.Append("]}").ToString()), 8192);
        var reader = new JsonManifestReader(stream, "big", []);

        Assert.Equal(5000, reader.Read().Count());
        Assert.Equal(64 * 1024, reader.BufferSize);
    }

    [Fact]
    public void Read_ConcatenatedJsonObjects_YieldsEach()
    {
        var objects = Fixture.ReadText("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}\n{\"kind\":\"Node\",\"metadata\":{\"name\":\"b\"}}\n");

        Assert.Equal(["Pod", "Node"], objects.Select(o => o.Ref.Kind));
        Assert.Equal(2, objects[1].Location.Line);
    }

    [Fact]
    public void Read_MalformedYaml_ThrowsWithFileLineAndColumn()
    {
        var ex = Assert.Throws<ManifestException>(() => Fixture.Read("malformed.yaml"));

        Assert.EndsWith("malformed.yaml", ex.Location.File, StringComparison.Ordinal);
        Assert.Equal(8, ex.Location.Line);
        Assert.Equal(12, ex.Location.Column);
        Assert.Contains("malformed.yaml:8:12: invalid YAML", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MalformedJson_ThrowsWithFileLineAndColumn()
    {
        var ex = Assert.Throws<ManifestException>(() => Fixture.Read("malformed.json"));

        Assert.Equal(10, ex.Location.Line);
        Assert.Equal(39, ex.Location.Column);
        Assert.Contains("malformed.json:10:39: invalid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedJson_ThrowsWithLine()
    {
        var ex = Assert.Throws<ManifestException>(() => Fixture.ReadText("{\"kind\":\"List\",\n\"items\":[\n{\"kind\":\"Pod\"", chunk: 4));

        Assert.Equal("inline", ex.Location.File);
        Assert.Equal(3, ex.Location.Line);
    }

    [Fact]
    public void Read_YamlUnclosedFlowMapping_ThrowsManifestExceptionNotTheParsersOwn()
    {
        var ex = Assert.Throws<ManifestException>(() => Fixture.ReadText("kind: Pod\nmetadata: {name: x\nspec: [\n", "cut.yaml"));

        Assert.Equal("cut.yaml", ex.Location.File);
        Assert.Contains("invalid YAML", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_YamlScalarDocument_ThrowsNotAnObject()
    {
        var ex = Assert.Throws<ManifestException>(() => Fixture.ReadText("kind: Pod\n---\n- a\n- b\n"));

        Assert.Equal(3, ex.Location.Line);
    }

    [Fact]
    public void Read_YamlAnchorsAndAliases_Resolve()
    {
        var objects = Fixture.ReadText("""
            kind: Pod
            metadata: {name: anchored}
            spec:
              volumes:
              - &sock {name: sock, hostPath: {path: /var/run/docker.sock}}
              initContainers:
              - name: a
                volumeMounts: &mounts
                - {name: sock, mountPath: /s}
              containers:
              - name: b
                volumeMounts: *mounts
            """);

        var spec = Assert.IsType<PodTemplate>(Assert.Single(objects)).Spec;
        Assert.Equal(["a", "b"], spec.MountsOf("sock").Select(m => m.Container.Name));
    }

    [Fact]
    public void Read_EmptyDocumentsAndBom_AreFine()
    {
        var objects = Fixture.ReadText("\uFEFF---\n---\nkind: Node\nmetadata: {name: n}\n---\n");

        Assert.Equal("n", Assert.Single(objects).Ref.Name);
    }

    [Fact]
    public void Read_JsonWithBom_IsJson()
    {
        var objects = Fixture.ReadText("\uFEFF{\"kind\":\"Node\",\"metadata\":{\"name\":\"n\"}}");

        Assert.IsType<ClusterNode>(Assert.Single(objects));
    }
}
