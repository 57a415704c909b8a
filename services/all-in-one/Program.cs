using Cekura.AllInOne;
using Cekura.Hosting.Bus;
using Cekura.Hosting.Defaults;

// Every module in one process by default (Cekura:Targets=all); a target list runs some of them.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("all");
builder.AddTargetModules();
builder.AddCekuraBus();

var app = builder.Build();
app.UseTargetModules();
app.MapServiceDefaults();
app.MapTargetModules();
app.Run();
