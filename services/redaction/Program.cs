using Cekura.Hosting.Bus;
using Cekura.Hosting.Defaults;
using Cekura.Redaction;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("redaction");
builder.AddRedaction();
builder.AddCekuraBus();

var app = builder.Build();
app.MapServiceDefaults();
app.Run();
