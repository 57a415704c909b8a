using Cekura.Hosting.Bus;
using Cekura.Hosting.Defaults;
using Cekura.Ingest;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("ingest");
builder.AddIngest();
builder.AddCekuraBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapIngest();
app.Run();
