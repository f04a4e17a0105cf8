using System.CommandLine;
using Minato.Bench.Cri;
using Minato.Bench.Migrate;
using Minato.Bench.Pull;

var root = new RootCommand("Minato benchmarks") { RunCommand.Create(), MigrateBenchmark.CreateCommand(), PullBenchmark.CreateCommand() };
return await root.Parse(args).InvokeAsync();
