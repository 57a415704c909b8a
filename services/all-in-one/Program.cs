using Cekura.AllInOne;
using Cekura.Gateway.Cli;
using Cekura.Hosting.Bus;
using Cekura.Hosting.Defaults;

// Operator verbs (keys, orgs, projects) run against the configured store and exit.
if (GatewayCli.IsCommand(args))
{
    return await GatewayCli.RunAsync(args);
}

// The one Cekura executable: every module by default (Cekura:Targets=all); --target or Cekura__Targets runs some of them.
var builder = WebApplication.CreateBuilder(args);
builder.AddTargetFlag(args);
builder.AddServiceDefaults("all");
builder.AddTargetModules();
builder.AddCekuraBus();

var app = builder.Build();
app.UseTargetModules();
app.MapServiceDefaults();
app.MapTargetModules();
app.Run();
return 0;
