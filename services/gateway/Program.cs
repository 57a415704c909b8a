using Cekura.Gateway;
using Cekura.Gateway.Cli;
using Cekura.Hosting.Bus;
using Cekura.Hosting.Defaults;

if (GatewayCli.IsCommand(args))
{
    return await GatewayCli.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("gateway");
builder.AddGateway();
builder.AddCekuraBus();

var app = builder.Build();
app.UseGateway();
app.MapServiceDefaults();
app.MapGateway();
app.Run();
return 0;
