using Minato.Cri.Images;
using Minato.Engine.Errors;
using Minato.Engine.Images.Archive;
using Minato.Engine.Images.Store;

namespace Minato.Daemon;

/// <summary>Load and save for <c>minato load</c> / <c>minato save</c>, resolving names the CRI way.</summary>
internal sealed class ImageArchives(ImageImporter importer, ImageExporter exporter, CriImageService images)
{
    public Task<IReadOnlyList<ImageRecord>> LoadAsync(string path, string? tag, CancellationToken cancellationToken)
    {
        if (!Path.IsPathRooted(path))
        {
            throw new InvalidInputException($"path \"{path}\" must be absolute (the daemon resolves it)");
        }

        return importer.ImportAsync(path, tag, cancellationToken);
    }

    public async Task SaveAsync(IReadOnlyList<string> names, Stream output, CancellationToken cancellationToken)
    {
        var records = names.Select(n => images.Find(n) ?? throw new NotFoundException($"image {n} not found")).ToList();
        await exporter.WriteAsync(records, output, cancellationToken);
    }
}
