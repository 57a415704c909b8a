using Cekura.Redaction.Recognizers.BankAccount;

namespace Cekura.Redaction.Tests.Recognizers.BankAccount;

public sealed class BankAccountRecognizerTests
{
    private readonly BankAccountRecognizer _recognizer = new();

    [Theory]
    [InlineData("My IBAN is DE89 3704 0044 0532 0130 00.", "DE89 3704 0044 0532 0130 00")]
    [InlineData("iban GB82WEST12345698765432 please", "GB82WEST12345698765432")]
    [InlineData("it's d e eight nine three seven oh four oh oh four four oh five three two oh one three oh oh oh thanks", "d e eight nine three seven oh four oh oh four four oh five three two oh one three oh oh oh")]
    public void Ibans_with_a_valid_mod_97_check_are_found(string text, string iban)
    {
        Assert.Equal([iban], Found.Values(_recognizer, text, "bank_account"));
    }

    [Fact]
    public void An_iban_with_wrong_check_digits_is_not_found()
    {
        Assert.Empty(Found.Values(_recognizer, "reference DE88 3704 0044 0532 0130 00", "bank_account"));
    }

    [Fact]
    public void A_routing_number_needs_its_checksum_and_the_word_routing()
    {
        Assert.Equal(["021000021"], Found.Values(_recognizer, "routing number 021000021", "bank_account"));
        Assert.Equal(["zero two one zero zero zero zero two one"], Found.Values(_recognizer, "the routing is zero two one zero zero zero zero two one", "bank_account"));
        Assert.Empty(Found.Values(_recognizer, "routing number 021000022", "bank_account"));
        Assert.Empty(Found.Values(_recognizer, "the part is 021000021", "bank_account"));
    }

    [Fact]
    public void A_plain_account_number_is_a_bank_account_only_once_a_bank_was_mentioned()
    {
        Assert.Equal(["021000021", "55120098113"], Found.Values(_recognizer, "routing 021000021 and account number 55120098113", "bank_account"));
        Assert.Equal(["44021187"], Found.Values(_recognizer, "my checking account number is 44021187", "bank_account"));
        Assert.Empty(Found.Values(_recognizer, "my account number is 44021187", "bank_account"));
    }

    [Theory]
    [InlineData("021000021", true)]
    [InlineData("122000247", true)]
    [InlineData("122000248", false)]
    [InlineData("991000021", false)]
    public void Aba_checksum(string number, bool valid) => Assert.Equal(valid, AbaRoutingNumber.IsValid(number));
}
