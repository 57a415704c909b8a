using System.Globalization;
using Microsoft.AspNetCore.Http.Extensions;

using Cekura.Hosting.Calls.Views;
using Cekura.Hosting.Tenancy;

namespace Cekura.Ingest.Api;

/// <summary>Django REST framework's page-number pagination: <c>?page=&amp;page_size=</c> and <c>{count, next, previous, results}</c>.</summary>
public static class Paging
{
    public const int MaxPageSize = 100;

    /// <summary>The page and page size asked for, or messages under <c>page</c> / <c>page_size</c>.</summary>
    public static (int Page, int PageSize) Read(HttpRequest request, int defaultPageSize, FieldErrors errors) =>
        ((int)Integer(request, "page", 1, int.MaxValue, errors, 1), (int)Integer(request, "page_size", 1, MaxPageSize, errors, defaultPageSize));

    /// <summary>An optional positive integer query parameter; null when absent.</summary>
    public static long? OptionalId(HttpRequest request, string name, FieldErrors errors) =>
        string.IsNullOrEmpty(request.Query[name]) ? null : Integer(request, name, 1, long.MaxValue, errors, 0);

    /// <summary>One page of results, with links (on the public origin) that keep the request's other query parameters.</summary>
    public static Page<T> Of<T>(PublicOrigin origin, HttpRequest request, long count, int page, int pageSize, IReadOnlyList<T> items) => new(
        count,
        (long)page * pageSize < count ? Link(origin, request, ("page", page + 1), ("page_size", pageSize)) : null,
        page > 1 ? Link(origin, request, ("page", page - 1), ("page_size", pageSize)) : null,
        items);

    /// <summary>This request's URL as the client reaches it, with some query parameters replaced.</summary>
    public static string Link(PublicOrigin origin, HttpRequest request, params (string Name, long Value)[] replacements)
    {
        var query = request.Query.ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
        foreach (var (name, value) in replacements)
        {
            query[name] = value.ToString(CultureInfo.InvariantCulture);
        }
        return $"{origin.For(request)}{request.Path}{new QueryBuilder(query).ToQueryString()}";
    }

    private static long Integer(HttpRequest request, string name, long min, long max, FieldErrors errors, long fallback)
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add(name, $"Must be an integer between {min} and {max}.");
            return fallback;
        }
        return value;
    }
}
