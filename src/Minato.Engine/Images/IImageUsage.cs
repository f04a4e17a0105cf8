namespace Minato.Engine.Images;

/// <summary>Tells whether containers use an image; the container service implements it.</summary>
/// <remarks>RemoveImage keeps an image that a container uses (its layers are the container's lower dirs).</remarks>
public interface IImageUsage
{
    /// <summary>Ids of the containers that use image <paramref name="imageId"/> (empty when none).</summary>
    IReadOnlyList<string> ContainersUsing(string imageId);
}

/// <summary>The usage before containers exist: nothing uses any image.</summary>
public sealed class NoImageUsage : IImageUsage
{
    public IReadOnlyList<string> ContainersUsing(string imageId) => [];
}
