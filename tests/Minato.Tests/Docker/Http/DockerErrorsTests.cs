using Minato.Docker.Http;
using Minato.Engine.Errors;

namespace Minato.Tests.Docker.Http;

public sealed class DockerErrorsTests
{
    public static TheoryData<Exception, int> Cases => new()
    {
        { new NotFoundException("no such image: x"), 404 },
        { new InvalidInputException("bad name"), 400 },
        { new AlreadyExistsException("name taken"), 409 },
        { new PreconditionException("in use"), 409 },
        { new StorageLimitException("/var/lib/minato (ext4 on /dev/vda1): 12 MiB free, 40 MiB needed"), 507 },
        { new InvalidOperationException("bug"), 500 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Map_EngineException_DockerdStatusAndTheMessageAsIs(Exception exception, int status)
    {
        var (mapped, message) = DockerErrors.Map(exception);

        Assert.Equal(status, mapped);
        Assert.Equal(exception.Message, message);
    }
}
