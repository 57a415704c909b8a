namespace Cekura.Redaction.Tests.Recognizers.Lexicon;

public sealed class MedicalProfessionalTests
{
    private static IReadOnlyList<string> Providers(string text) => FreeText.Find(text, "medical_professional");

    [Theory]
    [InlineData("I have an appointment with my cardiologist on Monday.", "cardiologist")]
    [InlineData("I need a referral to a dermatologist.", "dermatologist")]
    [InlineData("my primary care doctor referred me", "primary care doctor")]
    [InlineData("my mom's nurse comes on tuesdays", "nurse")]
    [InlineData("Is my doctor's office open?", "doctor")]
    public void A_specialist_or_a_possessed_care_provider_is_found(string text, string provider) =>
        Assert.Equal([provider], Providers(text));

    [Theory]
    [InlineData("I need to see a doctor soon.")]
    [InlineData("Please call the nurse line after hours.")]
    [InlineData("Doctor Patel will see you now.")]
    public void A_generic_provider_without_a_possessive_is_left_alone(string text) =>
        Assert.Empty(Providers(text));

    [Fact]
    public void My_doctor_dr_x_gives_the_profession_and_leaves_the_name_to_person_name()
    {
        const string text = "my doctor, Dr. Patel, sent it";

        Assert.Equal(["doctor"], Providers(text));
        Assert.Equal(["Patel"], FreeText.Find(text, "person_name"));
    }
}
