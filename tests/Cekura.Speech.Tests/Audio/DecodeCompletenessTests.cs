using Cekura.Speech.Audio;

namespace Cekura.Speech.Tests.Audio;

public sealed class DecodeCompletenessTests
{
    [Theory]
    [InlineData(10.71, 10.641)]    // MP3 with a Xing header: encoder delay and padding
    [InlineData(10.641, 10.681)]   // AAC decodes a little longer than declared
    [InlineData(14400, 14390)]     // 4 h short by 10 s, inside 0.5 s + 0.1 %
    [InlineData(0, 12.5)]          // live WebM declares nothing
    public void Whole_recordings_pass(double declared, double decoded) =>
        Assert.Null(DecodeCompleteness.Problem(declared, estimated: false, decoded, decodeErrors: false));

    [Theory]
    [InlineData(10, 5)]
    [InlineData(10, 9.4)]
    [InlineData(14400, 14000)]
    public void A_shortfall_beyond_the_tolerance_is_truncation(double declared, double decoded) =>
        Assert.StartsWith("the file is truncated or corrupt", DecodeCompleteness.Problem(declared, estimated: false, decoded, decodeErrors: false));

    [Fact]
    public void An_estimated_duration_alone_is_no_evidence() =>
        Assert.Null(DecodeCompleteness.Problem(13, estimated: true, 10, decodeErrors: false));

    [Fact]
    public void An_estimated_duration_with_decode_errors_and_a_gap_is_corruption() =>
        Assert.StartsWith("the audio is corrupt", DecodeCompleteness.Problem(12.5, estimated: true, 10, decodeErrors: true));

    [Fact]
    public void Nothing_decoded_is_refused_whatever_was_declared() =>
        Assert.Equal("the file contains no decodable audio", DecodeCompleteness.Problem(0, estimated: false, 0, decodeErrors: false));
}
