using Cekura.Contracts.Calls;
using Cekura.Redaction.Usage;

namespace Cekura.Redaction.Tests.Stage;

public sealed class RedactionMeterTests
{
    [Theory]
    [InlineData(0.0, 0.0, 0.0)]
    [InlineData(1.0, 0.1, 0.01)]
    [InlineData(6.0, 0.1, 0.01)]
    [InlineData(6.001, 0.2, 0.02)]
    [InlineData(60.0000000001, 1.0, 0.1)]
    [InlineData(754.2, 12.6, 1.26)]
    public void Minutes_are_rounded_up_to_a_tenth_and_priced_per_minute(double seconds, double minutes, double credits) =>
        Assert.Equal(new RedactionUsage(minutes, credits), RedactionMeter.Measure(seconds, 0.1));

    [Fact]
    public void A_call_of_unknown_length_is_metered_as_zero_minutes() =>
        Assert.Equal(new RedactionUsage(0, 0), RedactionMeter.Measure(null, 0.1));
}
