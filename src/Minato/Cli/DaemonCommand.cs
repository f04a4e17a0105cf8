using System.CommandLine;
using Minato.Configuration;
using Minato.Daemon;
using Minato.Engine.Store;

namespace Minato.Cli;

/// <summary><c>minato daemon</c>: serve CRI v1 on the configured Unix socket until SIGTERM.</summary>
internal static class DaemonCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = $"Configuration file (default {MinatoConfig.DefaultPath} when it exists)" };
        var listen = new Option<string?>("--listen") { Description = "CRI endpoint to serve, unix:///path" };
        var root = new Option<string?>("--root") { Description = "Persistent data directory" };
        var state = new Option<string?>("--state") { Description = "Runtime state directory" };
        var logLevel = new Option<string?>("--log-level") { Description = "trace, debug, info, warn or error" };
        var cniConfigDir = new Option<string?>("--cni-config-dir") { Description = "CNI network configuration directory" };
        var cniPluginDirs = new Option<string[]>("--cni-plugin-dir")
        {
            Description = "CNI plugin directory (repeatable; replaces the configured list)",
            AllowMultipleArgumentsPerToken = false,
        };

        var registriesConfig = new Option<string?>("--registries-config") { Description = "registries.conf (v2) with mirrors, insecure and blocked registries" };
        var dockerApi = new Option<string?>("--docker-api")
        {
            Description = $"Also serve the Docker Engine API: unix:///path (alone: {DockerApiSettings.DefaultListen}) or tcp://host:port with [docker_api] TLS files",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var metricsAddress = new Option<string?>("--metrics-address") { Description = "Serve Prometheus metrics on ip:port at /metrics (replaces [metrics] address)" };
        var command = new Command("daemon", "Run the CRI daemon");
        foreach (var option in new Option[] { config, listen, root, state, logLevel, cniConfigDir, cniPluginDirs, registriesConfig, dockerApi, metricsAddress })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var overrides = new ConfigOverrides
                {
                    Listen = parse.GetValue(listen),
                    Root = parse.GetValue(root),
                    State = parse.GetValue(state),
                    LogLevel = parse.GetValue(logLevel),
                    CniConfigDir = parse.GetValue(cniConfigDir),
                    CniPluginDirs = parse.GetValue(cniPluginDirs),
                    RegistriesConfig = parse.GetValue(registriesConfig),
                    DockerApi = parse.GetResult(dockerApi) is null ? null : parse.GetValue(dockerApi) ?? DockerApiSettings.DefaultListen,
                    MetricsAddress = parse.GetValue(metricsAddress),
                };
                var effective = ConfigLoader.Load(parse.GetValue(config), overrides);
                return await DaemonHost.RunAsync(effective, () => ConfigLoader.Load(parse.GetValue(config), overrides), cancellationToken);
            }
            catch (Exception e) when (e is ConfigException or DaemonStartupException or MetadataStoreException)
            {
                await error.WriteLineAsync($"minato daemon: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
