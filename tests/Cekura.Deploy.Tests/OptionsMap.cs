using System.Collections;
using System.Reflection;

namespace Cekura.Deploy.Tests;

/// <summary>
/// Whether an environment variable (<c>Section__Key__Nested</c>) sets a property of one of our options classes: the
/// class whose <c>public const string Section</c> is the first segment, then a property per further segment (a number
/// indexes a list). A name that binds nothing is silently ignored by .NET configuration, so a typo in a manifest would
/// otherwise go unnoticed.
/// </summary>
public static class OptionsMap
{
    /// <summary>Names read outside the options classes: ASP.NET Core's and the short CEKURA_* ones (and OpenTelemetry's OTEL_*).</summary>
    private static readonly HashSet<string> Standard =
    [
        "ASPNETCORE_URLS", "CEKURA_PORT", "CEKURA_DATA_DIR", "CEKURA_API_KEY", "CEKURA_ADMIN_KEY",
    ];

    /// <summary>Every Cekura assembly the executable ships (the modules and the shared libraries).</summary>
    private static IEnumerable<Assembly> Assemblies() =>
        Directory.GetFiles(AppContext.BaseDirectory, "Cekura.*.dll")
            .Where(f => !Path.GetFileName(f).StartsWith("Cekura.Deploy.Tests", StringComparison.Ordinal))
            .Select(f => Assembly.LoadFrom(f));

    public static IReadOnlyDictionary<string, Type[]> Sections { get; } = Assemblies()
        .SelectMany(a => a.GetTypes())
        .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
        .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
        .GroupBy(x => (string)x.Field!.GetRawConstantValue()!, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.Select(x => x.Type).ToArray(), StringComparer.OrdinalIgnoreCase);

    public static bool Binds(string name)
    {
        // The OpenTelemetry SDK reads the standard OTEL_* variables itself.
        if (Standard.Contains(name) || name.StartsWith("OTEL_", StringComparison.Ordinal))
        {
            return true;
        }
        var segments = name.Split("__");
        return segments.Length > 1 && Sections.TryGetValue(segments[0], out var types)
            && types.Any(t => Binds(t, segments.AsSpan(1)));
    }

    private static bool Binds(Type type, ReadOnlySpan<string> segments)
    {
        if (segments.IsEmpty)
        {
            return true;
        }
        if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var element = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().LastOrDefault() ?? typeof(object);
            return int.TryParse(segments[0], out _) && Binds(element, segments[1..]);
        }
        var property = type.GetProperty(segments[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is not null && (property.CanWrite || !segments[1..].IsEmpty) && Binds(property.PropertyType, segments[1..]);
    }
}
