using Minato.Configuration;
using Minato.Cri.Api.V1;
using Minato.Cri.Images;

namespace Minato.Daemon.CriAdapters;

/// <summary>CRI ImageService: thin translation between protobuf messages and <see cref="CriImageService"/>.</summary>
/// <remarks>One file per RPC, named after it: <c>ImageService.PullImage.cs</c>, <c>ImageService.ListImages.cs</c>, ...</remarks>
internal sealed partial class ImageServiceAdapter(CriImageService images, MinatoConfig config) : ImageService.ImageServiceBase;
