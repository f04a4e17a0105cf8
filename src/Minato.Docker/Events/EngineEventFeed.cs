using Minato.Docker.Images;
using Minato.Engine.Images;
using Minato.Engine.Images.Pull;
using Minato.Engine.Images.Store;
using Minato.Engine.Volumes;

namespace Minato.Docker.Events;

/// <summary>
/// Turns engine changes into Docker events, whichever door caused them: pulls, tags, untags and deletes of the one
/// image store, and volume create, destroy, mount and unmount.
/// </summary>
public sealed class EngineEventFeed
{
    private readonly DockerEvents events;

    public EngineEventFeed(DockerEvents events, ImageStore images, ImagePuller puller, VolumeService volumes)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(puller);
        ArgumentNullException.ThrowIfNull(volumes);
        this.events = events;
        images.Changed += OnImage;
        puller.Pulled += OnPulled;
        volumes.Changed += OnVolume;
    }

    // dockerd: a pull's actor is the reference as asked for, with its repository as "name".
    private void OnPulled(ImageReference reference, ImageRecord image)
    {
        var shown = DockerNames.Familiar(reference.ToString());
        events.Publish("image", "pull", shown, new Dictionary<string, string> { ["name"] = DockerNames.Repository(shown) });
    }

    // dockerd: tag, untag and delete name the image by id, the reference in "name".
    private void OnImage(ImageChange change)
    {
        var (action, name) = change.Kind switch
        {
            ImageChangeKind.Tagged => ("tag", DockerNames.Familiar(change.Name!)),
            ImageChangeKind.Untagged => ("untag", DockerNames.Familiar(change.Name!)),
            _ => ("delete", change.ImageId),
        };
        events.Publish("image", action, change.ImageId, new Dictionary<string, string> { ["name"] = name });
    }

    private void OnVolume(VolumeChange change)
    {
        var attributes = new Dictionary<string, string> { ["driver"] = change.Volume.Driver };
        if (change.ContainerId is { } container)
        {
            attributes["container"] = container;
        }

        var action = change.Kind switch
        {
            VolumeChangeKind.Created => "create",
            VolumeChangeKind.Removed => "destroy",
            VolumeChangeKind.Mounted => "mount",
            _ => "unmount",
        };
        events.Publish("volume", action, change.Volume.Name, attributes);
    }
}
