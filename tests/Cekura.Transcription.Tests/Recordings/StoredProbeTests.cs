using Cekura.Contracts.Calls;
using Cekura.Transcription.Recordings;

namespace Cekura.Transcription.Tests.Recordings;

/// <summary>
/// The transcription stage starts no ffprobe for a recording whose facts ingest stored, and still probes one stored
/// without them (calls from before those facts were kept).
/// </summary>
public sealed class StoredProbeTests
{
    private static readonly CallRecording Stored = new()
    {
        BlobKey = "1/r.mp3", ContentType = "audio/mpeg", Format = "mp3", SizeBytes = 48_000,
        Codec = "mp3", SampleRate = 44_100, Channels = 2, DurationSeconds = 61.3,
    };

    [Fact]
    public void A_recording_with_its_ingest_facts_is_not_probed_again()
    {
        var probe = CallTranscriber.StoredProbe(Stored);

        Assert.NotNull(probe);
        Assert.Equal(("mp3", 44_100, 2, 61.3), (probe.Codec, probe.SampleRate, probe.Channels, probe.DurationSeconds));
    }

    public static TheoryData<CallRecording> Incomplete => new()
    {
        Stored with { Codec = null },
        Stored with { SampleRate = null },
        Stored with { Channels = null },
        Stored with { SampleRate = 0 },
        Stored with { Channels = 0 },
        Stored with { Codec = null, SampleRate = null, Channels = null, DurationSeconds = null },
    };

    [Theory]
    [MemberData(nameof(Incomplete))]
    public void A_recording_without_them_is_left_to_ffprobe(CallRecording recording) =>
        Assert.Null(CallTranscriber.StoredProbe(recording));
}
