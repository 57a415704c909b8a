using System.Text.Json;
using Cekura.Evaluation.Llm.Prompts;

namespace Cekura.Evaluation.Tests.Llm;

public sealed class PromptTemplateTests
{
    private static readonly PromptVariables Call = new(
        SampleCall.Transcript, SampleCall.AgentDescription, SampleCall.DynamicVariables, SampleCall.Metadata);

    private static string Render(string template) => PromptTemplate.Render(template, Call);

    [Fact]
    public void The_transcript_is_inserted_as_is() =>
        Assert.Equal($"Call:\n{SampleCall.Transcript}\nEnd.", Render("Call:\n{{transcript}}\nEnd."));

    [Fact]
    public void The_agent_description_has_its_own_variables_filled_from_the_dynamic_variables() =>
        Assert.Equal(
            "Brief: You are Ava, the receptionist of Bloom Dental. Confirm the new time with Maria before ending the call.",
            Render("Brief: {{agent_description}}"));

    [Theory]
    [InlineData("{{metadata.crm.tier}}", "gold")]
    [InlineData("{{metadata.campaign}}", "reminders")]
    [InlineData("{{metadata.crm.tags.1}}", "dental")]
    [InlineData("{{metadata.crm.tags}}", """["vip","dental"]""")]
    [InlineData("{{dynamic_variables.customer_name}}", "Maria")]
    [InlineData("{{customer_name}}", "Maria")]
    [InlineData("{{visits}}", "3")]
    [InlineData("{{  customer_name }}", "Maria")]
    public void Metadata_and_dynamic_variables_are_found_by_path(string template, string expected) =>
        Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("{{order_id}}")]
    [InlineData("{{metadata.crm.region}}")]
    [InlineData("{{metadata.crm.tags.7}}")]
    [InlineData("{{dynamic_variables.order_id}}")]
    [InlineData("{{customer name}}")]
    [InlineData("{customer_name}")]
    public void An_unknown_variable_stays_visible_as_written(string template) =>
        Assert.Equal($"Order {template} for Maria", Render($"Order {template} for {{{{customer_name}}}}"));

    [Fact]
    public void Without_metadata_or_dynamic_variables_their_placeholders_stay() =>
        Assert.Equal("{{metadata.crm.tier}} {{customer_name}} — hi",
            PromptTemplate.Render("{{metadata.crm.tier}} {{customer_name}} — {{transcript}}", new PromptVariables("hi", null, null, null)));

    [Fact]
    public void Values_are_formatted_as_text_numbers_booleans_and_compact_json()
    {
        var variables = JsonDocument.Parse("""{"name": "Zoë \"Z\" <Ng>", "n": 2.50, "ok": false, "none": null, "obj": {"a": [1, 2]}}""").RootElement;

        var text = PromptTemplate.Render("{{name}}|{{n}}|{{ok}}|{{none}}|{{obj}}", new PromptVariables("", null, variables, null));

        Assert.Equal("Zoë \"Z\" <Ng>|2.50|false||{\"a\":[1,2]}", text);
    }

    [Fact]
    public void Substitution_is_one_pass_so_text_from_a_value_is_never_a_placeholder()
    {
        var call = Call with { Transcript = "[00:01] Testing Agent: my name is {{customer_name}}" };

        Assert.Equal("[00:01] Testing Agent: my name is {{customer_name}} / Maria", PromptTemplate.Render("{{transcript}} / {{customer_name}}", call));
    }

    [Fact]
    public void Transcript_and_agent_description_are_reserved_over_dynamic_variables_of_the_same_name()
    {
        var variables = JsonDocument.Parse("""{"transcript": "from the caller", "agent_description": "also from the caller"}""").RootElement;
        var call = new PromptVariables("the real transcript", "the real brief", variables, null);

        Assert.Equal("the real transcript|the real brief|from the caller",
            PromptTemplate.Render("{{transcript}}|{{agent_description}}|{{dynamic_variables.transcript}}", call));
    }

    [Fact]
    public void The_agent_description_is_filled_only_from_dynamic_variables() =>
        Assert.Equal("Tier {{metadata.crm.tier}}, Maria, {{transcript}}",
            PromptTemplate.Render("{{agent_description}}", Call with { AgentDescription = "Tier {{metadata.crm.tier}}, {{customer_name}}, {{transcript}}" }));

    [Theory]
    [InlineData("Read {{transcript}} and judge.", true)]
    [InlineData("Read {{ transcript }} and judge.", true)]
    [InlineData("Read the transcript and judge.", false)]
    [InlineData("Read {{transcript_summary}} and judge.", false)]
    public void Mentions_finds_a_placeholder_whatever_its_spacing(string template, bool mentions) =>
        Assert.Equal(mentions, PromptTemplate.Mentions(template, PromptTemplate.TranscriptVariable));
}
