using Cekura.Hosting.Bus;
using Cekura.Hosting.Defaults;
using Cekura.Evaluation;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("evaluation");
builder.AddEvaluation();
builder.AddCekuraBus();

var app = builder.Build();
app.MapServiceDefaults();
app.Run();
