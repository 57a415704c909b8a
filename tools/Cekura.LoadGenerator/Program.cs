using Cekura.LoadGenerator;
using Cekura.LoadGenerator.Running;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(LoadOptions.Help);
    return 0;
}
var options = LoadOptions.Read(args);
if (options.Problems() is { Count: > 0 } problems)
{
    Console.Error.WriteLine(string.Join(Environment.NewLine, problems));
    Console.Error.WriteLine("(--help lists the settings)");
    return 2;
}

using var http = LoadClient.Create(options);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var report = await new LoadRun(options, http, Console.Error).RunAsync(cancel.Token);
Console.WriteLine(report);
if (options.Report is { } path)
{
    await File.WriteAllTextAsync(path, report);
}
return 0;
