namespace Cekura.Ingest.Transcripts;

/// <summary>
/// The problems found in one transcript, each naming where it is. A rejection lists at most
/// <see cref="TranscriptFormatException.MaxProblems"/> of them, so parsers stop reading once <see cref="Full"/>.
/// </summary>
public sealed class TranscriptProblems
{
    private readonly List<string> _problems = [];

    public int Count => _problems.Count;

    /// <summary>Enough problems to reject with: reading further would only lengthen the answer.</summary>
    public bool Full => _problems.Count >= TranscriptFormatException.MaxProblems;

    public void Add(string problem) => _problems.Add(problem);

    /// <summary>The problems of one entry, each prefixed with where it is (<c>entry 3: …</c>).</summary>
    public void Add(string where, IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            _problems.Add($"{where}: {problem}");
        }
    }

    /// <exception cref="TranscriptFormatException">Any problem was found.</exception>
    public void ThrowIfAny()
    {
        if (_problems.Count > 0)
        {
            throw new TranscriptFormatException(_problems.Take(TranscriptFormatException.MaxProblems).ToList());
        }
    }
}
