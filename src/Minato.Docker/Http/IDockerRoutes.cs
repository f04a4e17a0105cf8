namespace Minato.Docker.Http;

/// <summary>A group of Docker API routes (system, images, ...), each group one noun of the API.</summary>
public interface IDockerRoutes
{
    /// <summary>The routes of this group.</summary>
    IEnumerable<DockerRoute> Routes();
}
