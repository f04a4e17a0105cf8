using System.CommandLine;
using Minato.Bench.Migrate;

var root = new RootCommand("Minato benchmarks") { MigrateBenchmark.CreateCommand() };
return await root.Parse(args).InvokeAsync();
