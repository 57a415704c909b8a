using Cekura.Redaction.Recognizers.Identifiers;

namespace Cekura.Redaction.Tests.Recognizers.Identifiers;

public sealed class ContextualIdentifierRecognizerTests
{
    private readonly ContextualIdentifierRecognizer _recognizer = new("identifier", IdentifierRules.All);

    [Theory]
    [InlineData("my account number is, uh, 7730 2291 45", "account_number", "7730 2291 45")]
    [InlineData("the account ending in four eight two one", "account_number", "four eight two one")]
    [InlineData("Passport no. C03005988", "passport_number", "C03005988")]
    [InlineData("passport number five three three three eight zero zero zero six", "passport_number", "five three three three eight zero zero zero six")]
    [InlineData("my drivers license is d as in david one two three four five six seven", "driver_license", "d as in david one two three four five six seven")]
    [InlineData("My Medicare number is 1EG4-TE5-MK73.", "healthcare_number", "1EG4-TE5-MK73")]
    [InlineData("my zip is nine four one oh seven", "numerical_pii", "nine four one oh seven")]
    [InlineData("Member ID: 8841 0027 33", "numerical_pii", "8841 0027 33")]
    [InlineData("my zip code's 10027", "numerical_pii", "10027")]
    [InlineData("the account number on the bill is 0099 4412 7781", "account_number", "0099 4412 7781")]
    public void Identifiers_after_their_context_phrase_are_found_with_exact_offsets(string text, string type, string value)
    {
        Assert.Contains((type, value), Found.In(_recognizer, text));
    }

    [Fact]
    public void An_insurance_member_id_scores_as_healthcare_above_the_generic_member_id()
    {
        var spans = _recognizer.Find("my insurance member id is W123456789", new(new HashSet<string> { "healthcare_number", "numerical_pii" })).ToList();

        Assert.Equal("healthcare_number", spans.MaxBy(s => s.Score)!.EntityType);
    }

    [Theory]
    [InlineData("my account is locked")]
    [InlineData("My passport expired last year")]
    [InlineData("the code on the box is 7 7 3 1")]
    [InlineData("I'm calling about order 55102")]
    [InlineData("My late husband opened this account in 1998.")]
    [InlineData("we've had the account since 2004")]
    public void Without_context_or_without_digits_nothing_is_found(string text)
    {
        Assert.Empty(Found.In(_recognizer, text));
    }
}
