using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Minato.Testing;

/// <summary>A named way to build a test image; <see cref="Key"/> describes everything the bytes depend on, so two recipes
/// with the same key build the same digests and one cached build serves both.</summary>
public sealed record TestImageRecipe(string Name, string Key, Func<string, CancellationToken, Task<TestImage>> Build);

/// <summary>Builds test images into layout directories under <see cref="Root"/>, once per recipe key, and reuses them
/// across test runs and processes.</summary>
public sealed class TestImageCache(string root)
{
    /// <summary>Bumped whenever the builder's output changes for an unchanged recipe, so old builds are not reused.</summary>
    private const string BuilderVersion = "1";

    private readonly ConcurrentDictionary<string, Lazy<Task<TestImage>>> _builds = new();

    /// <summary>The cache under <c>$MINATO_TEST_IMAGE_CACHE</c>, or <c>minato-test-images</c> in the temp directory.</summary>
    public static TestImageCache Shared { get; } = new(Environment.GetEnvironmentVariable("MINATO_TEST_IMAGE_CACHE") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Path.GetTempPath(), "minato-test-images"));

    public string Root { get; } = root;

    /// <summary>The layout directory a recipe's build lives in.</summary>
    public string DirectoryFor(TestImageRecipe recipe)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(BuilderVersion + "\n" + recipe.Key)));
        return Path.Combine(Root, $"{recipe.Name}-{hash[..16]}");
    }

    /// <summary>Returns the cached build of <paramref name="recipe"/>, building it first if no process has yet.</summary>
    public async Task<TestImage> GetAsync(TestImageRecipe recipe, CancellationToken cancellationToken = default)
    {
        var directory = DirectoryFor(recipe);
        var build = _builds.GetOrAdd(directory, d => new Lazy<Task<TestImage>>(() => LoadOrBuildAsync(recipe, d)));
        try
        {
            return await build.Value.WaitAsync(cancellationToken);
        }
        catch when (build.Value.IsFaulted)
        {
            // A failed build is not kept: the next caller tries again.
            _builds.TryRemove(KeyValuePair.Create(directory, build));
            throw;
        }
    }

    private async Task<TestImage> LoadOrBuildAsync(TestImageRecipe recipe, string directory)
    {
        if (Directory.Exists(directory))
        {
            return TestImage.Load(directory);
        }

        Directory.CreateDirectory(Root);
        var temp = Path.Combine(Root, $".{recipe.Name}-{Guid.NewGuid():N}");
        try
        {
            await recipe.Build(temp, CancellationToken.None);
            try
            {
                // The rename publishes the finished layout at once; another process that won the race has the same bytes.
                Directory.Move(temp, directory);
            }
            catch (IOException) when (Directory.Exists(directory))
            {
            }
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }

        return TestImage.Load(directory);
    }
}
