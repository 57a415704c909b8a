using Cekura.Contracts.Calls;
using Cekura.Hosting.Calls;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Protection;
using Cekura.Speech.Audio;
using Cekura.Speech.Channels;
using Cekura.Speech.VoiceActivity;
using Cekura.Transcription.Duration;
using Cekura.Transcription.SpeechToText;
using Cekura.Transcription.Timing;

namespace Cekura.Transcription.Recordings;

/// <summary>
/// The transcription stage's work on one call: measure its recording (voice activity per channel, which channel is
/// the agent), transcribe a <c>none-mono</c> recording, and take the call's duration from the audio.
/// </summary>
public sealed class CallTranscriber(
    IBlobStore blobs, Ffmpeg ffmpeg, RecordingAnalyzer analyzer, SpeechToTextBackend speechToText, ILogger<CallTranscriber> logger)
{
    public async Task<StageOutcome> TranscribeAsync(CallLog call, CancellationToken cancellationToken)
    {
        if (call.Recording is not { } recording)
        {
            if (call.TranscriptObject.Count == 0)
            {
                return StageOutcome.Fail("The call has neither a transcript nor a recording to transcribe.");
            }
            var duration = TranscriptDuration.Seconds(call.TranscriptObject);
            return StageOutcome.Advance(c => c with { DurationSeconds = duration });
        }

        var path = Path.Combine(Path.GetTempPath(), $"cekura-call-{call.Id}-{Guid.NewGuid():N}.{recording.Format}");
        try
        {
            if (!await DownloadAsync(recording.BlobKey, path, cancellationToken))
            {
                return StageOutcome.Fail($"The call's recording ({recording.BlobKey}) is missing from the blob store.");
            }
            return await MeasureAsync(call, recording, path, cancellationToken);
        }
        catch (AudioDecodeException e)
        {
            return StageOutcome.Fail($"The recording could not be decoded: {e.Message}.");
        }
        catch (SpeechToTextException e) when (e.BackendUnavailable)
        {
            // Already retried by the client: the stage runner redelivers it later, or records the message once the
            // redeliveries are spent.
            throw new BackendUnavailableException(e.Message, e);
        }
        catch (SpeechToTextException e)
        {
            return StageOutcome.Fail(e.Message);
        }
        catch (SealedDataUnavailableException e)
        {
            return StageOutcome.Fail($"The call's sealed recording could not be opened ({e.Message}).");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<StageOutcome> MeasureAsync(CallLog call, CallRecording recording, string path, CancellationToken cancellationToken)
    {
        var probe = StoredProbe(recording) ?? await ffmpeg.ProbeAsync(path, cancellationToken);
        var activity = await analyzer.AnalyzeAsync(path, probe, cancellationToken);

        var transcript = call.TranscriptObject;
        var (agentSpeakerIndex, agentSpeakerRule) = (call.AgentSpeakerIndex, call.AgentSpeakerRule);
        if (transcript.Count == 0)
        {
            // Throws SpeechToTextException (recorded as the call's error) when no backend is configured or it failed for good.
            var result = await speechToText.TranscribeAsync(path, recording.ContentType, cancellationToken);
            logger.LogInformation("Call log {CallLogId} transcribed by {Provider} ({Model}): {Turns} entries",
                call.Id, result.Provider, result.Model, result.Entries.Count);
            transcript = result.Entries;
            (agentSpeakerIndex, agentSpeakerRule) = (result.AgentSpeaker, result.AgentRule);
        }

        var data = Describe(call, probe, activity, transcript);
        transcript = TranscriptTiming.CloseLastTurn(transcript, activity.DurationSeconds);
        return StageOutcome.Advance(c => c with
        {
            TranscriptObject = transcript,
            AgentSpeakerIndex = agentSpeakerIndex,
            AgentSpeakerRule = agentSpeakerRule,
            DurationSeconds = Math.Round(activity.DurationSeconds, 3),
            RecordingData = data,
        });
    }

    /// <summary>
    /// The facts ingest measured when it decoded the recording whole (every stored recording since they were kept), so
    /// the stage starts no ffprobe of its own for them: a start costs about 0.12 s of CPU on this project's VM, more
    /// than the decode of a typical call. Redaction's masked copy keeps the format, rate and channels of the original.
    /// </summary>
    internal static AudioProbe? StoredProbe(CallRecording recording) =>
        recording is { Codec: { } codec, SampleRate: > 0 and var rate, Channels: > 0 and var channels }
            ? new AudioProbe(recording.Format, codec, rate, channels, recording.DurationSeconds ?? 0)
            : null;

    /// <summary>The stored measurements; for two separable channels, which one is the agent.</summary>
    private static RecordingData Describe(CallLog call, AudioProbe probe, ChannelActivity activity, IReadOnlyList<TranscriptEntry> transcript)
    {
        // Block arithmetic leaves float dust (3.7760000000000002); milliseconds are what VAD can claim anyway.
        var channels = activity.Channels.Select(IReadOnlyList<SpeakingSegment> (segments) =>
            segments.Select(s => new SpeakingSegment(Math.Round(s.Start, 3), Math.Round(s.End, 3))).ToList()).ToList();
        var data = new RecordingData
        {
            SampleRate = probe.SampleRate,
            Channels = probe.Channels,
            TotalDuration = Math.Round(activity.DurationSeconds, 3),
            SeparableChannels = activity.Separable,
            ChannelSpeaking = channels,
            VoiceActivityDetector = activity.Detector,
        };
        if (!activity.Separable || activity.Channels.Count < 2)
        {
            return data;
        }
        var decision = ChannelDetector.Decide(channels[0], channels[1], transcript, call.MainAgentChannelIndex);
        return data with
        {
            MainAgentChannelIndex = decision.AgentChannel,
            ChannelRule = decision.Rule,
            ChannelConfidence = decision.Confidence,
            TranscriptShift = decision.Rule == ChannelRules.TranscriptOverlap ? decision.TranscriptShiftSeconds : null,
            MainSpeaking = channels[decision.AgentChannel],
            TestingSpeaking = channels[1 - decision.AgentChannel],
        };
    }

    private async Task<bool> DownloadAsync(string key, string path, CancellationToken cancellationToken)
    {
        await using var source = await blobs.OpenReadAsync(key, cancellationToken);
        if (source is null)
        {
            return false;
        }
        await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        await source.CopyToAsync(target, cancellationToken);
        return true;
    }
}
