using System.Text.Json;
using System.Text.Json.Nodes;

namespace Minato.Cli;

/// <summary>JSON printing shared by the client verbs.</summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Parses a JSON string the daemon sent (an info map value); keeps it as a string when it is not JSON.</summary>
    public static JsonNode? ParseOrString(string value)
    {
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return JsonValue.Create(value);
        }
    }
}
