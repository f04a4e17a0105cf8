using System.Text;
using System.Text.Json;

namespace Minato.Cri;

/// <summary>Writes the JSON object of one entry of a verbose status call's <c>info</c> map.</summary>
internal static class VerboseJson
{
    /// <summary>An object whose properties <paramref name="body"/> writes, as a string.</summary>
    public static string Object(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
