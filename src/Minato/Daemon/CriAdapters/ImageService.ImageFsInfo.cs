using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>ImageFsInfo.</summary>
internal sealed partial class ImageServiceAdapter
{
    public override Task<ImageFsInfoResponse> ImageFsInfo(ImageFsInfoRequest request, ServerCallContext context)
    {
        var usage = images.FsUsage();
        var response = new ImageFsInfoResponse();
        response.ImageFilesystems.Add(new FilesystemUsage
        {
            Timestamp = usage.TimestampNanos,
            FsId = new FilesystemIdentifier { Mountpoint = usage.Mountpoint },
            UsedBytes = new UInt64Value { Value = usage.UsedBytes },
            InodesUsed = new UInt64Value { Value = usage.InodesUsed },
        });
        return Task.FromResult(response);
    }
}
