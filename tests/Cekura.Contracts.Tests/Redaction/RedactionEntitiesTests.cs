using System.Text.RegularExpressions;
using Cekura.Contracts.Redaction;

namespace Cekura.Contracts.Tests.Redaction;

public sealed class RedactionEntitiesTests
{
    /// <summary>The list in /work/shared/spec/redaction.md, "The 29 entity types", in its order.</summary>
    private const string SpecList = """
        person_name, age, phone_number, email_address, date, time, location, origin, gender_sexuality,
        physical_attribute, occupation, username, password, ip_address, url, filename, event, vehicle_id, dob,
        healthcare_number, medical_professional, credit_card, account_number, bank_account, money, ssn, passport_number,
        driver_license, numerical_pii
        """;

    private static readonly string[] SpecNames = Regex.Split(SpecList, @"[,\s]+").Where(n => n.Length > 0).ToArray();

    [Fact]
    public void There_are_exactly_29_distinct_entity_names()
    {
        Assert.Equal(29, RedactionEntities.All.Count);
        Assert.Equal(29, RedactionEntities.All.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Entity_names_are_the_spec_list_in_its_order()
    {
        Assert.Equal(29, SpecNames.Length);
        Assert.Equal(SpecNames, RedactionEntities.All);
    }

    [Fact]
    public void Every_spec_name_is_known_and_names_are_case_sensitive()
    {
        Assert.All(SpecNames, n => Assert.True(RedactionEntities.IsKnown(n), n));
        Assert.False(RedactionEntities.IsKnown("PHONE_NUMBER"));
        Assert.False(RedactionEntities.IsKnown("nickname"));
        Assert.False(RedactionEntities.IsKnown(""));
    }
}
