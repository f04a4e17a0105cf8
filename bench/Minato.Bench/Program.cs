using System.CommandLine;
using Minato.Bench.Cri;
using Minato.Bench.Migrate;
using Minato.Bench.Pull;
using Minato.Bench.Soak;

var root = new RootCommand("Minato benchmarks") { RunCommand.Create(), MigrateBenchmark.CreateCommand(), PullBenchmark.CreateCommand(), StreamingSoakCommand.Create(), Minato.Bench.Docker.DockerBenchCommand.Create(),
    Minato.Bench.Faults.ChurnCommand.Create(), Minato.Bench.Faults.MixedLoadCommand.Create() };

// Ctrl-C cancels the run; the default 2 s before System.CommandLine exits regardless is too short for the cleanup of the
// daemons, pods and mounts it started.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(2) });
