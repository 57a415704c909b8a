using System.Globalization;

namespace Cekura.Evaluation.Llm.Prompts;

/// <summary>The transcript text as sent to the model.</summary>
/// <param name="Text">The transcript, or its beginning and end around a line that says how much was left out.</param>
/// <param name="OmittedCharacters">How many characters of the middle were left out; 0 when it is whole.</param>
public sealed record TranscriptExcerpt(string Text, int OmittedCharacters)
{
    /// <summary>Room kept for the line that marks the gap.</summary>
    private const int MarkerReserve = 100;

    public bool IsShortened => OmittedCharacters > 0;

    /// <summary>
    /// The whole transcript when it fits in <paramref name="maxCharacters"/>; else its first and last halves, cut at
    /// line ends where one is near. The beginning (greeting, the caller's reason) and the end (resolution, who hung up)
    /// are what judges and the drop-off stage depend on most.
    /// </summary>
    public static TranscriptExcerpt Of(string transcript, int maxCharacters)
    {
        if (transcript.Length <= maxCharacters)
        {
            return new TranscriptExcerpt(transcript, 0);
        }
        var half = Math.Max(1, (maxCharacters - MarkerReserve) / 2);

        var headEnd = half;
        var lineEnd = transcript.LastIndexOf('\n', headEnd - 1);
        if (lineEnd > half / 2)
        {
            headEnd = lineEnd;
        }
        else if (char.IsHighSurrogate(transcript[headEnd - 1]))
        {
            headEnd--;
        }

        var tailStart = transcript.Length - half;
        var lineStart = transcript.IndexOf('\n', tailStart);
        if (lineStart >= 0 && lineStart < tailStart + half / 2)
        {
            tailStart = lineStart + 1;
        }
        else if (char.IsLowSurrogate(transcript[tailStart]))
        {
            tailStart++;
        }

        var omitted = tailStart - headEnd;
        var marker = string.Create(CultureInfo.InvariantCulture, $"[... {omitted} characters of the transcript left out ...]");
        return new TranscriptExcerpt($"{transcript[..headEnd].TrimEnd('\n')}\n{marker}\n{transcript[tailStart..]}", omitted);
    }

    /// <summary>The explanation line that tells a reader the model did not see the whole call.</summary>
    public string? Note(int maxCharacters) => IsShortened
        ? string.Create(CultureInfo.InvariantCulture,
            $"The transcript is longer than Llm__MaxTranscriptCharacters ({maxCharacters}): the model read its beginning and end, {OmittedCharacters} characters of the middle were left out.")
        : null;
}
