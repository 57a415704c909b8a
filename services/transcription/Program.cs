using Cekura.Hosting.Bus;
using Cekura.Hosting.Defaults;
using Cekura.Transcription;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("transcription");
builder.AddTranscription();
builder.AddCekuraBus();

var app = builder.Build();
app.MapServiceDefaults();
app.Run();
