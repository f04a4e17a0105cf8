using Minato.Cri.Api;

namespace Minato.Daemon;

/// <summary>CRI ImageService on the same socket; every RPC answers UNIMPLEMENTED until the image store lands.</summary>
internal sealed class ImageServiceAdapter : ImageService.ImageServiceBase;
