using System.CommandLine;
using Minato.Bench.Cri;
using Minato.Bench.Migrate;

var root = new RootCommand("Minato benchmarks") { RunCommand.Create(), MigrateBenchmark.CreateCommand() };
return await root.Parse(args).InvokeAsync();
