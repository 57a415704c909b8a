using Cekura.Hosting.Options;

namespace Cekura.Hosting.Tests.Options;

public sealed class TargetsTests
{
    [Theory]
    [InlineData("all")]
    [InlineData("ALL")]
    [InlineData("gateway")]
    [InlineData("ingest, evaluation")]
    [InlineData("gateway,ingest,transcription,redaction,evaluation")]
    [InlineData("transcription,transcription")]
    public void A_known_target_list_is_accepted(string targets) =>
        Assert.Null(new CekuraOptions { Targets = targets }.TargetProblem());

    [Theory]
    [InlineData("", "Cekura:Targets is empty")]
    [InlineData(" , ", "Cekura:Targets is empty")]
    [InlineData("ingest,bogus", "Unknown Cekura:Targets bogus")]
    [InlineData("all,gateway", "mixes 'all' with other targets")]
    public void An_unknown_or_empty_target_list_is_refused_with_the_reason(string targets, string reason)
    {
        var problem = new CekuraOptions { Targets = targets }.TargetProblem();
        Assert.NotNull(problem);
        Assert.Contains(reason, problem);
        Assert.Contains("gateway, ingest, transcription, redaction, evaluation", problem);
    }

    [Fact]
    public void Only_the_full_set_counts_as_every_module()
    {
        Assert.True(new CekuraOptions { Targets = "all" }.RunsAllModules);
        Assert.True(new CekuraOptions { Targets = "evaluation,redaction,transcription,ingest,gateway" }.RunsAllModules);
        Assert.False(new CekuraOptions { Targets = "gateway,ingest" }.RunsAllModules);
    }
}
