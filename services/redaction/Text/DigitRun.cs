namespace Cekura.Redaction.Text;

/// <summary>
/// A run of digit chunks separated by spaces, dashes, dots, commas or parentheses ("415 555-2671", "4 1 1 1, 1 1 1 1"),
/// in a <see cref="NormalizedText.View"/>. Chunks are the digit strings between separators; groups are what a
/// reader would see as blocks: a separator with punctuation, or a space between two multi-digit chunks, starts a new
/// group, while spoken single digits separated by spaces stay in one group ("4 1 1 1" is one group of four).
/// </summary>
public sealed class DigitRun
{
    private DigitRun(string digits, int[] positions, bool[] chunkStarts, bool[] groupStarts, int plusPosition)
    {
        Digits = digits;
        Positions = positions;
        ChunkStarts = chunkStarts;
        GroupStarts = groupStarts;
        PlusPosition = plusPosition;
    }

    public string Digits { get; }

    /// <summary>View index of each digit.</summary>
    public int[] Positions { get; }

    public bool[] ChunkStarts { get; }

    public bool[] GroupStarts { get; }

    /// <summary>View index of a "+" written right before the first digit, else -1.</summary>
    public int PlusPosition { get; }

    /// <summary>Lengths of the groups, in digits, e.g. [3, 2, 4] for "123-45-6789".</summary>
    public IReadOnlyList<int> GroupLengths(int from, int to)
    {
        var lengths = new List<int>();
        for (var i = from; i < to; i++)
        {
            if (i == from || GroupStarts[i])
            {
                lengths.Add(0);
            }
            lengths[^1]++;
        }
        return lengths;
    }

    /// <summary>View span of the digits <c>[from, to)</c>.</summary>
    public (int Start, int End) ViewSpan(int from, int to) =>
        (from == 0 && PlusPosition >= 0 ? PlusPosition : Positions[from], Positions[to - 1] + 1);

    /// <summary>
    /// Sub-runs of <paramref name="min"/>..<paramref name="max"/> digits that start and end on chunk boundaries,
    /// longest first, and among equal lengths those aligned with groups first: a number spoken on without a pause
    /// into the next ("… two six seven one two pizzas") is still found.
    /// </summary>
    public IEnumerable<(int From, int To)> Windows(int min, int max)
    {
        var n = Digits.Length;
        for (var length = Math.Min(max, n); length >= min; length--)
        {
            for (var pass = 0; pass < 2; pass++)
            {
                for (var from = 0; from + length <= n; from++)
                {
                    var to = from + length;
                    if (!ChunkStarts[from] || (to < n && !ChunkStarts[to]))
                    {
                        continue;
                    }
                    var aligned = GroupStarts[from] && (to == n || GroupStarts[to]);
                    if (aligned == (pass == 0))
                    {
                        yield return (from, to);
                    }
                }
            }
        }
    }

    /// <summary>Every run in the view; a digit string glued to letters ("A1234", "5pm", "15th") is not part of one.</summary>
    public static List<DigitRun> FindAll(string view)
    {
        var runs = new List<DigitRun>();
        var i = 0;
        while (i < view.Length)
        {
            if (!char.IsLetterOrDigit(view[i]))
            {
                i++;
                continue;
            }
            var tokenEnd = AlnumEnd(view, i);
            if (!IsDigits(view, i, tokenEnd))
            {
                i = tokenEnd;
                continue;
            }
            i = ReadRun(view, i, tokenEnd, runs);
        }
        return runs;
    }

    private static int ReadRun(string view, int start, int firstEnd, List<DigitRun> runs)
    {
        var digits = new System.Text.StringBuilder();
        var positions = new List<int>();
        var chunkStarts = new List<bool>();
        var groupStarts = new List<bool>();
        var plus = start > 0 && view[start - 1] == '+' ? start - 1 : start > 1 && view[start - 1] == ' ' && view[start - 2] == '+' ? start - 2 : -1;
        var chunkStart = start;
        var chunkEnd = firstEnd;
        var newGroup = true;
        while (true)
        {
            for (var k = chunkStart; k < chunkEnd; k++)
            {
                digits.Append(view[k]);
                positions.Add(k);
                chunkStarts.Add(k == chunkStart);
                groupStarts.Add(k == chunkStart && newGroup);
            }
            // Up to four separator characters ("-", ", ", " - ", ") ", "... ") may join this chunk to the next.
            var j = chunkEnd;
            var punctuated = false;
            while (j < view.Length && j - chunkEnd < 4 && view[j] is ' ' or '-' or '.' or ',' or '(' or ')' or '\u2013')
            {
                punctuated |= view[j] != ' ';
                j++;
            }
            if (j == chunkEnd || j >= view.Length || !char.IsDigit(view[j]))
            {
                break;
            }
            var nextEnd = AlnumEnd(view, j);
            if (!IsDigits(view, j, nextEnd))
            {
                break;
            }
            newGroup = punctuated || (chunkEnd - chunkStart >= 2 && nextEnd - j >= 2);
            chunkStart = j;
            chunkEnd = nextEnd;
        }
        runs.Add(new DigitRun(digits.ToString(), [.. positions], [.. chunkStarts], [.. groupStarts], plus));
        return chunkEnd;
    }

    private static int AlnumEnd(string view, int start)
    {
        var end = start;
        while (end < view.Length && char.IsLetterOrDigit(view[end]))
        {
            end++;
        }
        return end;
    }

    private static bool IsDigits(string view, int start, int end)
    {
        for (var k = start; k < end; k++)
        {
            if (!char.IsAsciiDigit(view[k]))
            {
                return false;
            }
        }
        return true;
    }
}
