using Cekura.Redaction.Recognizers.Credentials;

namespace Cekura.Redaction.Tests.Recognizers.Credentials;

public sealed class CredentialRecognizerTests
{
    private readonly CredentialRecognizer _recognizer = new();

    [Theory]
    [InlineData("My password is Tr0ub4dor&3.", "password", "Tr0ub4dor&3")]
    [InlineData("my password is, uh, blue horse seven seven and my name is", "password", "blue horse seven seven")]
    [InlineData("the pin is four four two one", "password", "four four two one")]
    [InlineData("User ID: maria_lopez_22", "username", "maria_lopez_22")]
    [InlineData("the password for the portal is Hx7!kq", "password", "Hx7!kq")]
    [InlineData("my username is john underscore smith eighty five", "username", "john underscore smith eighty five")]
    public void The_value_after_the_credential_word_is_found(string text, string type, string value)
    {
        Assert.Equal([(type, value)], Found.In(_recognizer, text));
    }

    [Theory]
    [InlineData("what's your password?")]
    [InlineData("I forgot my password and need to reset it")]
    [InlineData("I can't remember my username")]
    [InlineData("my username is the same as my email")]
    [InlineData("the password is not working")]
    public void Talking_about_a_credential_is_not_a_credential(string text)
    {
        Assert.Empty(Found.In(_recognizer, text));
    }
}
