using Minato.Cli;

return await MinatoCommand.RunAsync(args);
