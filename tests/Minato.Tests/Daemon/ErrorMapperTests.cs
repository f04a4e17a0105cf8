using Grpc.Core;
using Minato.Daemon;
using Minato.Engine.Errors;

namespace Minato.Tests.Daemon;

public sealed class ErrorMapperTests
{
    public static TheoryData<Exception, StatusCode> Cases => new()
    {
        { new NotFoundException("pod x not found"), StatusCode.NotFound },
        { new InvalidInputException("bad"), StatusCode.InvalidArgument },
        { new AlreadyExistsException("dup"), StatusCode.AlreadyExists },
        { new PreconditionException("stopped"), StatusCode.FailedPrecondition },
        { new TimeoutException("slow"), StatusCode.DeadlineExceeded },
        { new Minato.Engine.Network.CniException("plugin bridge failed"), StatusCode.Unknown },
        { new InvalidOperationException("bug"), StatusCode.Internal },
        { new RpcException(new Status(StatusCode.Unavailable, "u")), StatusCode.Unavailable },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ToStatus_CoreException_MapsToTheCriCode(Exception exception, StatusCode expected)
    {
        var status = ErrorMapper.ToStatus(exception, CancellationToken.None);

        Assert.Equal(expected, status.StatusCode);
        Assert.Equal(exception is RpcException rpc ? rpc.Status.Detail : exception.Message, status.Detail);
    }

    [Fact]
    public void ToStatus_CancelledCall_IsCancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Equal(StatusCode.Cancelled, ErrorMapper.ToStatus(new OperationCanceledException(), cancelled.Token).StatusCode);
        Assert.Equal(StatusCode.Internal, ErrorMapper.ToStatus(new OperationCanceledException(), CancellationToken.None).StatusCode);
    }

    [Fact]
    public void ToStatus_WriteRefusedForLackOfSpace_IsResourceExhaustedNamingIt()
    {
        // What File.WriteAllText throws on a full filesystem (HResult is the errno on Unix).
        var full = new IOException("No space left on device : '/run/minato/pods/x/hosts'", 28);

        var status = ErrorMapper.ToStatus(new InvalidOperationException("writing the hosts file failed", full), CancellationToken.None);

        Assert.Equal(StatusCode.ResourceExhausted, status.StatusCode);
        Assert.Equal("no space left on device: writing the hosts file failed", status.Detail);
    }
}
