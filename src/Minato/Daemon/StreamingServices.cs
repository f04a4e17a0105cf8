using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Minato.Configuration;
using Minato.Cri.Streaming;
using Minato.Streaming;

namespace Minato.Daemon;

/// <summary>Registers the streaming server and the Exec/Attach/PortForward validation.</summary>
internal static class StreamingServices
{
    /// <remarks>The sessions themselves come from whatever registers <see cref="IContainerStreams"/>; without one the
    /// server does not listen and the RPCs answer Unimplemented.</remarks>
    public static IServiceCollection AddStreaming(this IServiceCollection services, MinatoConfig config) => services
        .AddSingleton(config.Streaming)
        .AddSingleton<StreamingTokens>()
        .AddSingleton(sp => new StreamingServer(
            config.Streaming,
            sp.GetRequiredService<StreamingTokens>(),
            sp.GetService<IContainerStreams>(),
            sp.GetRequiredService<ILoggerFactory>()))
        .AddHostedService(sp => sp.GetRequiredService<StreamingServer>())
        .AddSingleton(sp => new StreamingRequestValidator(sp.GetRequiredService<StreamingServer>(), sp.GetService<IContainerStreams>()));
}
