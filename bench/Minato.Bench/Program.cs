using System.CommandLine;
using Minato.Bench.Cri;
using Minato.Bench.Migrate;
using Minato.Bench.Pull;
using Minato.Bench.Soak;

var root = new RootCommand("Minato benchmarks") { RunCommand.Create(), MigrateBenchmark.CreateCommand(), PullBenchmark.CreateCommand(), StreamingSoakCommand.Create() };
return await root.Parse(args).InvokeAsync();
