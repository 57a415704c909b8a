using Cekura.Speech.Threading;

namespace Cekura.Ingest.Api;

/// <summary>
/// Marks each API request on the process's <see cref="ForegroundActivity"/>, so that recording analyses in the same
/// process (the embedded host) make room for it (VoiceActivity:AnalysisDutyCycle).
/// </summary>
public sealed class ForegroundFilter(ForegroundActivity foreground) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        using var _ = foreground.Begin();
        return await next(context);
    }
}
