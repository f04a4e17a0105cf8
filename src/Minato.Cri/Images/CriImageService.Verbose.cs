using System.Text;
using System.Text.Json;
using Minato.Engine.Images;
using Minato.Engine.Images.Store;

namespace Minato.Cri.Images;

/// <summary>The verbose half of <see cref="CriImageService"/>: ImageStatus <c>info</c>.</summary>
public sealed partial class CriImageService
{
    /// <summary>The <c>info</c> JSON of a verbose ImageStatus: the stored record and the image config with its history.</summary>
    public async Task<string> VerboseInfoAsync(ImageRecord image, CancellationToken cancellationToken)
    {
        var config = await images.Content.ReadAllAsync(Digest.Parse(image.Id), cancellationToken);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", image.Id);
            json.WriteString("manifestDigest", image.ManifestDigest);
            json.WriteString("manifestMediaType", image.ManifestMediaType);
            json.WriteString("platform", image.Platform);
            json.WriteString("snapshotter", "overlayfs");
            json.WriteStartArray("layers");
            foreach (var layer in image.Layers)
            {
                json.WriteStartObject();
                json.WriteString("digest", layer.Digest);
                json.WriteString("mediaType", layer.MediaType);
                json.WriteNumber("size", layer.Size);
                json.WriteString("diffId", layer.DiffId);
                json.WriteString("snapshot", images.Snapshots.PathOf(layer.Snapshot));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WritePropertyName("imageSpec");
            using (var parsed = JsonDocument.Parse(config))
            {
                parsed.RootElement.WriteTo(json);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
