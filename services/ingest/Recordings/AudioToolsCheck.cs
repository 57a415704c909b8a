using Cekura.Speech.Audio;

namespace Cekura.Ingest.Recordings;

/// <summary>
/// Refuses to start ingest without a working ffprobe and ffmpeg. Every recording is decoded before it is stored, so
/// without them each upload would fail; failing at start tells the operator at deploy time, in the log, instead of
/// the first client meeting a 500 (and never a 400 that blames their file). Costs two <c>-version</c> runs (~50 ms).
/// </summary>
public sealed class AudioToolsCheck(Ffmpeg ffmpeg) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => ffmpeg.CheckToolsAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
