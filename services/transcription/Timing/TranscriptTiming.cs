using Cekura.Contracts.Calls;

namespace Cekura.Transcription.Timing;

/// <summary>Corrections the recording allows on a transcript's times.</summary>
public static class TranscriptTiming
{
    /// <summary>
    /// Start-only formats (ElevenLabs, some LiveKit and Pipecat forms) leave the last speech turn without an end;
    /// the call's audio ends when the recording does, so that turn ends there.
    /// </summary>
    public static IReadOnlyList<TranscriptEntry> CloseLastTurn(IReadOnlyList<TranscriptEntry> transcript, double recordingEnd)
    {
        var last = -1;
        for (var i = transcript.Count - 1; i >= 0; i--)
        {
            if (transcript[i].IsSpeech && transcript[i].StartTime is not null)
            {
                last = i;
                break;
            }
        }
        if (last < 0 || transcript[last].EndTime is not null)
        {
            return transcript;
        }
        var closed = transcript.ToArray();
        closed[last] = closed[last] with { EndTime = Math.Max(closed[last].StartTime!.Value, Math.Round(recordingEnd, 3)) };
        return closed;
    }
}
