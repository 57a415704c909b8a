using Cekura.Gateway;
using Cekura.Hosting.Bus;
using Cekura.Hosting.Defaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("gateway");
builder.AddGateway();
builder.AddCekuraBus();

var app = builder.Build();
app.UseGateway();
app.MapServiceDefaults();
app.MapGateway();
app.Run();
