// The process entry point only binds the real console; everything else lives in CliApp so tests run the same code.
return await Rnn.Client.Commands.CliApp.RunAsync(args, Console.Out, Console.Error, interactiveOutput: !Console.IsOutputRedirected);
