namespace Minato.Tests.Engine.Devices.Cdi;

/// <summary>CDI spec texts the tests write: one JSON and one YAML form of the same spec, and a few broken ones.</summary>
internal static class CdiSpecs
{
    /// <summary>A JSON spec of kind <c>example.com/test</c> with device <paramref name="device"/> backed by /dev/null.</summary>
    public static string Json(string version = "0.3.0", string kind = "example.com/test", string device = "dev0", string env = "TEST_DEVICE=0") => $$"""
        {
          "cdiVersion": "{{version}}",
          "kind": "{{kind}}",
          "devices": [
            {
              "name": "{{device}}",
              "containerEdits": {
                "env": ["{{env}}"],
                "deviceNodes": [{ "path": "/dev/null" }]
              }
            }
          ],
          "containerEdits": { "env": ["TEST_COMMON=1"] }
        }
        """;

    /// <summary>The same as <see cref="Json"/> in YAML, with numbers written as YAML writes them.</summary>
    public static string Yaml(string version = "0.5.0", string kind = "example.com/test", string device = "dev0") => $"""
        cdiVersion: "{version}"
        kind: {kind}
        devices:
          - name: {device}
            containerEdits:
              env:
                - TEST_DEVICE=0
              deviceNodes:
                - path: /dev/minato-test0
                  hostPath: /dev/null
                  type: c
                  major: 1
                  minor: 3
                  fileMode: 0666
                  permissions: rw
        containerEdits:
          env: [TEST_COMMON=1]
        """;
}
