using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Minato.Migrate;

/// <summary>Writes the report as JSON for tools (<c>-o json</c>), with every finding, node and namespace.</summary>
public static class JsonReportRenderer
{
    public static void Render(MigrationReport report, TextWriter output)
    {
        output.WriteLine(JsonSerializer.Serialize(report, Context.MigrationReport));
    }

    // Advice is prose with quotes and apostrophes; escaping them as \u0027 would only hurt people reading it.
    private static readonly MigrateJsonContext Context = new(
        new JsonSerializerOptions(MigrateJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

/// <summary>Source-generated serialisation of the report: camelCase names, enums as strings.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MigrationReport))]
internal sealed partial class MigrateJsonContext : JsonSerializerContext;
