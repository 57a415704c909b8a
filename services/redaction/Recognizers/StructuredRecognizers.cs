using Cekura.Redaction.Recognizers.Age;
using Cekura.Redaction.Recognizers.BankAccount;
using Cekura.Redaction.Recognizers.CreditCard;
using Cekura.Redaction.Recognizers.Credentials;
using Cekura.Redaction.Recognizers.Dates;
using Cekura.Redaction.Recognizers.Email;
using Cekura.Redaction.Recognizers.Filename;
using Cekura.Redaction.Recognizers.Identifiers;
using Cekura.Redaction.Recognizers.IpAddress;
using Cekura.Redaction.Recognizers.Money;
using Cekura.Redaction.Recognizers.Phone;
using Cekura.Redaction.Recognizers.Ssn;
using Cekura.Redaction.Recognizers.Url;
using Cekura.Redaction.Recognizers.Vin;

namespace Cekura.Redaction.Recognizers;

/// <summary>
/// The recognizers for structured, numeric and context-driven types (cards, SSNs, phones, e-mail, IPs, URLs, bank
/// and other identifiers, dates, times, money, ages, credentials, file names). The lexicon recognizers (names,
/// places, …) are combined with these by the caller.
/// </summary>
public static class StructuredRecognizers
{
    public static IReadOnlyList<IPiiRecognizer> Create() =>
    [
        new CreditCardRecognizer(),
        new SsnRecognizer(),
        new PhoneRecognizer(),
        new BankAccountRecognizer(),
        new VinRecognizer(),
        new IpAddressRecognizer(),
        new EmailRecognizer(),
        new UrlRecognizer(),
        new FilenameRecognizer(),
        new ContextualIdentifierRecognizer("identifier", IdentifierRules.All),
        new CredentialRecognizer(),
        new DateTimeRecognizer(),
        new MoneyRecognizer(),
        new AgeRecognizer(),
    ];
}
