namespace Cekura.Ingest.Api;

/// <summary>
/// The two error shapes of Cekura's API (Django REST framework style): <c>{"detail": "..."}</c> for a request as
/// a whole, <c>{"field": ["message", ...]}</c> for bad fields.
/// </summary>
public static class ApiErrors
{
    public static IResult Detail(int status, string detail, object? extra = null) =>
        extra is null
            ? Results.Json(new { detail }, statusCode: status)
            : Results.Json(new Dictionary<string, object?> { ["detail"] = detail, ["id"] = extra }, statusCode: status);

    /// <summary><c>503</c> with <c>Retry-After</c>: this process is overloaded right now; the same request may succeed later.</summary>
    public static IResult Busy(string detail, TimeSpan retryAfter) => new RetryLater(Detail(StatusCodes.Status503ServiceUnavailable, detail),
        Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)));

    private sealed class RetryLater(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }

    public static IResult NotFound() => Detail(StatusCodes.Status404NotFound, "Not found.");

    public static IResult Fields(FieldErrors errors) => Results.Json(errors.ToDictionary(), statusCode: StatusCodes.Status400BadRequest);

    public static string KindName(System.Text.Json.JsonValueKind kind) => kind switch
    {
        System.Text.Json.JsonValueKind.Array => "list",
        System.Text.Json.JsonValueKind.String => "str",
        System.Text.Json.JsonValueKind.Number => "number",
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "bool",
        System.Text.Json.JsonValueKind.Null => "null",
        _ => "dict",
    };
}

/// <summary>Collects validation messages per field, in the order they were found.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
    }

    public bool Has(string field) => _errors.ContainsKey(field);

    public IReadOnlyDictionary<string, List<string>> ToDictionary() => _errors;
}
