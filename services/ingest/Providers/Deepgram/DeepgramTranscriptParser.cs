using System.Globalization;
using System.Text.Json;
using Cekura.Contracts.Calls;
using Cekura.Ingest.Transcripts;
using Cekura.Speech.Speakers;

namespace Cekura.Ingest.Providers.Deepgram;

/// <summary>A parsed Deepgram transcript and how the agent was found.</summary>
/// <param name="AgentIndex">The channel (multichannel input) or speaker (diarized mono) taken as the Main Agent.</param>
/// <param name="AgentRule">Which rule decided: one of <see cref="DeepgramTranscriptParser.AgentRules"/>.</param>
public sealed record DeepgramTranscript(IReadOnlyList<TranscriptEntry> Entries, int AgentIndex, string AgentRule);

/// <summary>
/// Deepgram's pre-recorded <c>/v1/listen</c> response <c>{metadata, results}</c> (provider-formats.md §6). Turns come
/// from <c>results.utterances</c> when present, else from <c>results.channels[c].alternatives[0].words</c> grouped
/// into runs of one (channel, speaker) split at pauses. Times are seconds from the audio start. With more than one channel the
/// party is the channel (speaker numbers restart in every channel); with one channel it is the diarized speaker.
/// </summary>
public sealed class DeepgramTranscriptParser : TranscriptParser
{
    /// <summary>Deepgram's default <c>utt_split</c>: a pause this long ends a turn built from words.</summary>
    internal const double TurnPauseSeconds = 0.8;

    private const int MaxIndex = 10_000;

    private const string Shape = "the Deepgram /v1/listen response {metadata, results}";

    /// <summary>
    /// The rules that pick the agent, tried in this order: <see cref="MainAgentChannelIndex"/> (the request's
    /// <c>main_agent_channel_index</c>, when given), then the shared <see cref="AgentSpeakerRules"/> decision
    /// (<see cref="Greeting"/>, else <see cref="FirstSpeaker"/>) over the channels or speakers of the opening turns.
    /// </summary>
    public static class AgentRules
    {
        public const string MainAgentChannelIndex = AgentSpeakerRules.MainAgentChannelIndex;
        public const string Greeting = AgentSpeakerRules.Greeting;
        public const string FirstSpeaker = AgentSpeakerRules.FirstSpeaker;
    }

    public override IReadOnlyList<string> Types { get; } = ["deepgram"];

    protected override IReadOnlyList<TranscriptEntry> ReadTranscript(JsonElement transcript) =>
        ParseDetailed(transcript, TranscriptContext.None).Entries;

    protected override ParsedTranscript ReadTranscript(JsonElement transcript, TranscriptContext context)
    {
        var detailed = ParseDetailed(transcript, context);
        return new ParsedTranscript(detailed.Entries, new AgentSpeaker(detailed.AgentIndex, detailed.AgentRule));
    }

    /// <exception cref="TranscriptFormatException">The response is not a usable Deepgram transcript.</exception>
    public DeepgramTranscript ParseDetailed(JsonElement json, TranscriptContext context)
    {
        var results = Results(json);
        var problems = new TranscriptProblems();

        var channelCount = 0;
        if (JsonValues.TryGetProperty(results, "channels", out var channels))
        {
            if (channels.ValueKind == JsonValueKind.Array)
            {
                channelCount = channels.GetArrayLength();
            }
            else
            {
                problems.Add($"results.channels must be an array, got {JsonValues.Describe(channels)}");
            }
        }
        var utterances = default(JsonElement);
        var useUtterances = false;
        if (JsonValues.TryGetProperty(results, "utterances", out var u))
        {
            if (u.ValueKind == JsonValueKind.Array)
            {
                utterances = u;
                useUtterances = u.GetArrayLength() > 0;
            }
            else
            {
                problems.Add($"results.utterances must be an array, got {JsonValues.Describe(u)}");
            }
        }
        problems.ThrowIfAny();

        var turns = useUtterances
            ? ReadUtterances(utterances, problems)
            : channels.ValueKind == JsonValueKind.Array ? GroupWords(ReadWords(channels, problems)) : [];
        problems.ThrowIfAny();
        if (turns.Count == 0)
        {
            throw new TranscriptFormatException(
                "the Deepgram response has no speech: results.utterances is absent or empty and results.channels[*].alternatives[0].words has no words");
        }

        channelCount = Math.Max(channelCount, turns.Max(t => t.Channel) + 1);
        var multichannel = channelCount > 1;
        if (!multichannel)
        {
            CheckSpeakers(turns, useUtterances, problems);
            problems.ThrowIfAny();
        }
        var ordered = turns.OrderBy(t => t.Start).ToList();
        var party = ordered.Select(t => multichannel ? t.Channel : t.Speaker!.Value).ToList();

        var (agent, rule) = FindAgent(context, ordered, party, multichannel, channelCount);
        var entries = ordered.Select((t, i) => new TranscriptEntry
        {
            Role = party[i] == agent ? TranscriptRoles.MainAgent : TranscriptRoles.TestingAgent,
            Content = t.Text,
            StartTime = t.Start,
            EndTime = t.End,
        }).ToList();
        return new DeepgramTranscript(TranscriptOrder.ByStartTime(entries), agent, rule);
    }

    private sealed record Turn(string Path, double Start, double End, int Channel, int? Speaker, string Text);

    private sealed record Word(string Path, double Start, double End, int Channel, int? Speaker, string Text);

    private static JsonElement Results(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new TranscriptFormatException($"expected {Shape}, got {JsonValues.Describe(json)}");
        }
        if (!JsonValues.TryGetProperty(json, "results", out var results))
        {
            throw new TranscriptFormatException($"results is required: expected {Shape}");
        }
        if (results.ValueKind != JsonValueKind.Object)
        {
            throw new TranscriptFormatException($"results must be an object {{channels, utterances?}}, got {JsonValues.Describe(results)}");
        }
        return results;
    }

    private static List<Turn> ReadUtterances(JsonElement utterances, TranscriptProblems problems)
    {
        var turns = new List<Turn>();
        var index = 0;
        foreach (var utterance in utterances.EnumerateArray())
        {
            var path = $"results.utterances[{index++}]";
            if (utterance.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            if (utterance.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{path}: expected an object {{start, end, channel, speaker?, transcript}}, got {JsonValues.Describe(utterance)}");
                continue;
            }
            var count = problems.Count;
            var (start, end) = ReadSpan(utterance, path, problems);
            var channel = ReadIndex(utterance, "channel", path, problems) ?? 0;
            var speaker = ReadIndex(utterance, "speaker", path, problems);
            var words = JsonValues.TryGetProperty(utterance, "words", out var w) && w.ValueKind == JsonValueKind.Array
                ? w.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object).ToList()
                : [];
            string text;
            if (JsonValues.TryGetProperty(utterance, "transcript", out var transcript))
            {
                if (transcript.ValueKind != JsonValueKind.String)
                {
                    problems.Add($"{path}: transcript must be a string, got {JsonValues.Describe(transcript)}");
                }
                text = transcript.ValueKind == JsonValueKind.String ? transcript.GetString()!.Trim() : "";
            }
            else
            {
                text = string.Join(" ", words.Select(WordText).Where(x => !string.IsNullOrWhiteSpace(x)));
            }
            // Deepgram gives speaker on the utterance when diarizing; its words carry it too.
            speaker ??= words.Select(x => JsonValues.TryGetProperty(x, "speaker", out var s) && s.ValueKind == JsonValueKind.Number
                && s.TryGetInt32(out var n) && n is >= 0 and <= MaxIndex ? n : (int?)null).FirstOrDefault(n => n is not null);
            if (start is null && problems.Count == count)
            {
                problems.Add($"{path}: start is required");
            }
            if (problems.Full)
            {
                break;
            }
            if (problems.Count > count || string.IsNullOrWhiteSpace(text))
            {
                continue; // an empty utterance says nothing
            }
            var lastWordEnd = words.Select(x => JsonValues.TryReadNumber(x, "end", out var e, out _) ? e : null).LastOrDefault(e => e is not null);
            var finalEnd = end ?? (lastWordEnd >= start ? lastWordEnd : start);
            turns.Add(new Turn(path, start!.Value, finalEnd!.Value, channel, speaker, text));
        }
        return turns;
    }

    private static List<Word> ReadWords(JsonElement channels, TranscriptProblems problems)
    {
        var words = new List<Word>();
        var c = 0;
        foreach (var channel in channels.EnumerateArray())
        {
            var channelPath = $"results.channels[{c}]";
            var channelIndex = c++;
            if (channel.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            if (channel.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{channelPath}: expected an object {{alternatives}}, got {JsonValues.Describe(channel)}");
                continue;
            }
            if (!JsonValues.TryGetProperty(channel, "alternatives", out var alternatives))
            {
                continue; // a silent channel
            }
            if (alternatives.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"{channelPath}.alternatives must be an array, got {JsonValues.Describe(alternatives)}");
                continue;
            }
            if (alternatives.GetArrayLength() == 0)
            {
                continue;
            }
            var best = alternatives[0];
            var bestPath = $"{channelPath}.alternatives[0]";
            if (best.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            if (best.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{bestPath}: expected an object {{transcript, words}}, got {JsonValues.Describe(best)}");
                continue;
            }
            if (!JsonValues.TryGetProperty(best, "words", out var list))
            {
                continue;
            }
            if (list.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"{bestPath}.words must be an array, got {JsonValues.Describe(list)}");
                continue;
            }
            var w = 0;
            foreach (var word in list.EnumerateArray())
            {
                var path = $"{bestPath}.words[{w++}]";
                if (ReadWord(word, path, channelIndex, problems) is { } read)
                {
                    words.Add(read);
                }
                if (problems.Full)
                {
                    return words;
                }
            }
        }
        return words;
    }

    private static Word? ReadWord(JsonElement word, string path, int channel, TranscriptProblems problems)
    {
        if (word.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (word.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{path}: expected an object {{word, start, end, speaker?, punctuated_word?}}, got {JsonValues.Describe(word)}");
            return null;
        }
        var count = problems.Count;
        var (start, end) = ReadSpan(word, path, problems);
        var speaker = ReadIndex(word, "speaker", path, problems);
        foreach (var name in new[] { "word", "punctuated_word" })
        {
            if (JsonValues.TryGetProperty(word, name, out var value) && value.ValueKind != JsonValueKind.String)
            {
                problems.Add($"{path}: {name} must be a string, got {JsonValues.Describe(value)}");
            }
        }
        var text = WordText(word);
        if (start is null && problems.Count == count && !string.IsNullOrWhiteSpace(text))
        {
            problems.Add($"{path}: start is required");
        }
        if (problems.Count > count || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        return new Word(path, start!.Value, end ?? start.Value, channel, speaker, text.Trim());
    }

    /// <summary><c>punctuated_word</c> when Deepgram punctuated, else <c>word</c>.</summary>
    private static string WordText(JsonElement word)
    {
        foreach (var name in new[] { "punctuated_word", "word" })
        {
            if (JsonValues.TryGetProperty(word, name, out var value) && value.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(value.GetString()))
            {
                return value.GetString()!;
            }
        }
        return "";
    }

    /// <summary>
    /// Each channel's words in time order; a turn is a run of one speaker without a pause of
    /// <see cref="TurnPauseSeconds"/>, as Deepgram's utterances are. Channels are grouped apart, so the other party's
    /// backchannel ("mm-hmm") does not cut a turn in two.
    /// </summary>
    private static List<Turn> GroupWords(List<Word> words)
    {
        var turns = new List<Turn>();
        var run = new List<Word>();
        var runEnd = 0.0;
        foreach (var word in words.OrderBy(w => w.Channel).ThenBy(w => w.Start))
        {
            if (run.Count > 0 && (word.Channel != run[0].Channel || word.Speaker != run[0].Speaker
                                  || word.Start - runEnd >= TurnPauseSeconds))
            {
                turns.Add(ToTurn(run, runEnd));
                run = [];
            }
            runEnd = run.Count == 0 ? word.End : Math.Max(runEnd, word.End);
            run.Add(word);
        }
        if (run.Count > 0)
        {
            turns.Add(ToTurn(run, runEnd));
        }
        return turns;

        static Turn ToTurn(List<Word> run, double end) =>
            new(run[0].Path, run[0].Start, end, run[0].Channel, run[0].Speaker, string.Join(" ", run.Select(w => w.Text)));
    }

    /// <summary>One channel holds both parties, so only speaker labels can tell them apart.</summary>
    private static void CheckSpeakers(List<Turn> turns, bool fromUtterances, TranscriptProblems problems)
    {
        if (turns.All(t => t.Speaker is null))
        {
            problems.Add("the response has one channel and no speaker labels, so the agent cannot be told from the caller: "
                         + "transcribe a stereo recording with multichannel=true, or a mono one with diarization (diarize_model)");
            return;
        }
        var what = fromUtterances ? "utterances" : "words";
        foreach (var turn in turns.Where(t => t.Speaker is null).Take(TranscriptFormatException.MaxProblems))
        {
            problems.Add($"{turn.Path}: speaker is missing while other {what} have one");
        }
    }

    private static (int Agent, string Rule) FindAgent(
        TranscriptContext context, List<Turn> turns, List<int> party, bool multichannel, int channelCount)
    {
        if (context.MainAgentChannelIndex is { } given)
        {
            var speakers = party.Distinct().Order().ToList();
            if (given < 0)
            {
                throw new TranscriptFormatException($"main_agent_channel_index must be 0 or more, got {given}");
            }
            if (multichannel && given >= channelCount)
            {
                throw new TranscriptFormatException(
                    $"main_agent_channel_index {given} is not a channel of this response, which has {channelCount} channels (0-{channelCount - 1})");
            }
            if (!multichannel && !speakers.Contains(given))
            {
                throw new TranscriptFormatException(
                    $"main_agent_channel_index {given} is not a speaker of this single-channel diarized response (speakers {string.Join(", ", speakers)})");
            }
            return (given, AgentRules.MainAgentChannelIndex);
        }

        var opening = turns.Take(AgentSpeakerRules.OpeningTurns).Select((t, i) => (party[i], t.Text)).ToList();
        return AgentSpeakerRules.Decide(opening);
    }

    private static (double? Start, double? End) ReadSpan(JsonElement obj, string path, TranscriptProblems problems)
    {
        var ok = JsonValues.TryReadNumber(obj, "start", out var start, out var startProblem);
        ok &= JsonValues.TryReadNumber(obj, "end", out var end, out var endProblem);
        if (startProblem is not null)
        {
            problems.Add($"{path}: {startProblem}");
        }
        if (endProblem is not null)
        {
            problems.Add($"{path}: {endProblem}");
        }
        if (!ok)
        {
            return (null, null);
        }
        if (start < 0 || end < 0)
        {
            problems.Add($"{path}: times must not be negative");
            return (null, null);
        }
        if (start is { } s && end is { } e && e < s)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: end {e} is before start {s}"));
            return (null, null);
        }
        return (start, end);
    }

    /// <summary>A channel or speaker number: a whole number from 0 (numbers sent as strings are fine); null when absent.</summary>
    private static int? ReadIndex(JsonElement obj, string name, string path, TranscriptProblems problems)
    {
        if (!JsonValues.TryGetProperty(obj, name, out var value))
        {
            return null;
        }
        if (JsonValues.TryReadNumber(obj, name, out var number, out _) && number is { } n
            && n >= 0 && n <= MaxIndex && Math.Floor(n) == n)
        {
            return (int)n;
        }
        problems.Add($"{path}: {name} must be a whole number from 0 to {MaxIndex}, got {JsonValues.Describe(value)}");
        return null;
    }
}
