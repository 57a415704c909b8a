using MassTransit;
using Cekura.Hosting.Bus;
using Cekura.Hosting.Options;
using Cekura.Speech.VoiceActivity;
using Cekura.Transcription.Recordings;
using Cekura.Transcription.SpeechToText;

namespace Cekura.Transcription;

public static class TranscriptionModule
{
    /// <summary>
    /// Consumes <c>CallReceived</c> on the <c>transcription</c> queue (calls without a recording) and the
    /// <c>transcription-recordings</c> queue (calls with one), publishes <c>CallTranscribed</c>. Needs ffmpeg
    /// (section <c>Audio</c>), voice activity (<c>VoiceActivity</c>) and, for none-mono calls, <c>SpeechToText</c>.
    /// </summary>
    public static WebApplicationBuilder AddTranscription(this WebApplicationBuilder builder)
    {
        builder.Services.AddSpeechAnalysis();
        if (CekuraOptions.From(builder.Configuration).Runs("ingest"))
        {
            // The embedded host: the analyses leave half the cores to the requests (VoiceActivityOptions.SharesCoresWithIngest).
            builder.Services.PostConfigure<VoiceActivityOptions>(o => o.SharesCoresWithIngest = true);
        }
        builder.Services.AddSpeechToText();
        builder.Services.AddScoped<CallTranscriber>();
        builder.Services.AddHostedService<RecordingAnalyzerStartupLog>();
        builder.ConfigureCekuraBus(x =>
        {
            x.AddConsumer<CallReceivedConsumer, CallReceivedConsumerDefinition>();
            x.AddConsumer<RecordedCallReceivedConsumer, RecordedCallReceivedConsumerDefinition>();
            x.AddConsumer<CallReceivedFaultConsumer, CallReceivedFaultConsumerDefinition>();
        });
        return builder;
    }
}
