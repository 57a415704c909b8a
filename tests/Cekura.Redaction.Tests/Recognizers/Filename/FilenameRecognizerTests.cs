using Cekura.Redaction.Recognizers.Filename;

namespace Cekura.Redaction.Tests.Recognizers.Filename;

public sealed class FilenameRecognizerTests
{
    [Theory]
    [InlineData("I uploaded lab_results_2024.pdf yesterday", "lab_results_2024.pdf")]
    [InlineData("i sent invoice dot pdf", "invoice dot pdf")]
    public void File_names_with_known_extensions_are_found(string text, string file)
    {
        Assert.Equal([file], Found.Values(new FilenameRecognizer(), text, "filename"));
    }

    [Fact]
    public void Domains_and_abbreviations_are_not_file_names()
    {
        Assert.Empty(Found.Values(new FilenameRecognizer(), "e.g. go to acme.com", "filename"));
    }
}
