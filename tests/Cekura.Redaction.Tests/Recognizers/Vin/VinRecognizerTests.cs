using Cekura.Redaction.Recognizers.Vin;

namespace Cekura.Redaction.Tests.Recognizers.Vin;

public sealed class VinRecognizerTests
{
    private readonly VinRecognizer _recognizer = new();

    [Theory]
    [InlineData("it's 1HGCM82633A004352 on the dash", "1HGCM82633A004352")]
    [InlineData("ok one h g c m eight two six three three a zero zero four three five two", "one h g c m eight two six three three a zero zero four three five two")]
    public void Vins_with_a_valid_check_digit_are_found(string text, string vin)
    {
        Assert.Equal([vin], Found.Values(_recognizer, text, "vehicle_id"));
    }

    [Fact]
    public void A_wrong_check_digit_is_accepted_only_after_the_word_vin()
    {
        Assert.Empty(Found.Values(_recognizer, "serial 1HGCM82643A004352", "vehicle_id"));
        Assert.Equal(["1HGCM82643A004352"], Found.Values(_recognizer, "the VIN is 1HGCM82643A004352", "vehicle_id"));
    }

    [Fact]
    public void Plates_count_after_plate_words()
    {
        Assert.Equal(["7ABC123"], Found.Values(_recognizer, "my license plate is 7ABC123", "vehicle_id"));
        Assert.Empty(Found.Values(_recognizer, "the model is 7ABC123", "vehicle_id"));
    }
}
