using Rnn.Silo.Server;

// The standalone silo: `dotnet run --project src/Rnn.Silo -- [options]` (docs/silo.md). Ctrl+C stops it.
return await SiloProgram.RunAsync(args, Console.Out, Console.Error);
