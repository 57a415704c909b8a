using System.Net;
using Cekura.Hosting.Net;
using Microsoft.Extensions.Options;

namespace Cekura.Ingest.Recordings;

/// <summary>
/// Downloads a client's <c>voice_recording_url</c> without letting it reach our own network (SSRF). Each hop's host
/// is checked by the shared <see cref="OutboundAddressPolicy"/> (resolved once, every address judged) and the
/// connection is pinned to a checked address (<see cref="PinnedConnection"/>), so a second DNS answer cannot rebind
/// the host to an internal one. Redirects are followed here, one checked hop at a time.
/// </summary>
public sealed class SafeRecordingFetcher
{
    private readonly RecordingFetchOptions options;
    private readonly OutboundAddressPolicy policy;
    private readonly Func<IPEndPoint, CancellationToken, ValueTask<Stream>> connect;

    public SafeRecordingFetcher(IOptions<RecordingFetchOptions> options, IHostAddressResolver? resolver = null)
        : this(options.Value, resolver ?? new DnsHostAddressResolver(), PinnedConnection.ConnectSocketAsync)
    {
    }

    /// <param name="connect">Opens the TCP connection to an address that has passed the checks (tests replace it).</param>
    internal SafeRecordingFetcher(RecordingFetchOptions options, IHostAddressResolver resolver,
        Func<IPEndPoint, CancellationToken, ValueTask<Stream>> connect)
    {
        if (OutboundAddressPolicy.AllowListErrors(options.AllowedPrivateHosts) is { Count: > 0 } errors)
        {
            throw new OptionsValidationException(RecordingFetchOptions.Section, typeof(RecordingFetchOptions), errors);
        }
        this.options = options;
        this.connect = connect;
        policy = new OutboundAddressPolicy(options.AllowedPrivateHosts, resolver);
    }

    /// <summary>Downloads <paramref name="url"/>; the caller disposes the result, which deletes its temporary file.</summary>
    /// <exception cref="RecordingFetchException">The URL was refused or the download failed; the reason is for the client.</exception>
    public async Task<FetchedRecording> FetchAsync(string url, CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            throw new RecordingFetchException("fetching recording URLs is turned off on this server; upload the file instead");
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        using var handler = PinnedConnection.CreateHandler(connect);
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        Uri? current = null;
        try
        {
            current = Parse(url);
            for (var hop = 0; ; hop++)
            {
                var addresses = await CheckHostAsync(current, hop, deadline.Token);
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                PinnedConnection.Pin(request, addresses);
                request.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                if (!IsRedirect(response.StatusCode))
                {
                    return await ReadRecordingAsync(response, current, deadline.Token);
                }
                if (hop == options.MaxRedirects)
                {
                    throw new RecordingFetchException($"too many redirects (more than {options.MaxRedirects})");
                }
                current = response.Headers.Location is { } location
                    ? Checked(new Uri(current, location), hop + 1)
                    : throw new RecordingFetchException($"the server answered {(int)response.StatusCode} without a usable Location");
            }
        }
        catch (Exception e) when (e is not RecordingFetchException && deadline.IsCancellationRequested
            && !cancellationToken.IsCancellationRequested)
        {
            throw new RecordingFetchException($"timed out after {options.TimeoutSeconds} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new RecordingFetchException(ConnectionFailure(current, e));
        }
    }

    private static Uri Parse(string url) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            ? Checked(uri, 0)
            : throw new RecordingFetchException("not an absolute http or https URL");

    private static Uri Checked(Uri uri, int hop) =>
        OutboundAddressPolicy.UrlShapeRefusal(uri, "fetched") is { } refusal ? throw Refused(refusal, hop) : uri;

    /// <summary>Resolves the hop's host once and returns its addresses, all judged safe (or allow-listed).</summary>
    private async Task<IReadOnlyList<IPAddress>> CheckHostAsync(Uri uri, int hop, CancellationToken token)
    {
        try
        {
            return await policy.CheckHostAsync(uri, token);
        }
        catch (OutboundRefusedException e)
        {
            throw Refused(e.Message, hop);
        }
    }

    private static RecordingFetchException Refused(string reason, int hop) =>
        new(hop == 0 ? reason : $"{reason} (redirect {hop})");

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private async Task<FetchedRecording> ReadRecordingAsync(HttpResponseMessage response, Uri uri, CancellationToken token)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new RecordingFetchException($"the server answered {(int)response.StatusCode}");
        }
        if (response.Content.Headers.ContentLength > options.MaxBytes)
        {
            throw TooLarge();
        }
        await using var body = await response.Content.ReadAsStreamAsync(token);
        var header = new byte[AudioFormat.HeaderLength];
        var headerLength = await body.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, token);
        if (AudioFormat.Detect(header.AsSpan(0, headerLength)) is not { } format)
        {
            throw new RecordingFetchException("not an audio file");
        }

        // FileShare.Read: the decode check opens the file by its path while this stream holds it.
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"cekura-recording-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            long total = headerLength;
            var chunk = header.AsMemory(0, headerLength);
            var buffer = new byte[81920];
            do
            {
                if (total > options.MaxBytes)
                {
                    throw TooLarge();
                }
                await file.WriteAsync(chunk, token);
                var read = await body.ReadAsync(buffer, token);
                chunk = buffer.AsMemory(0, read);
                total += read;
            }
            while (chunk.Length > 0);
            await file.FlushAsync(token);
            file.Position = 0;
            return new FetchedRecording(file, total, format, uri);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    private RecordingFetchException TooLarge() => new($"larger than {Size(options.MaxBytes)}");

    private static string Size(long bytes) => bytes switch
    {
        _ when bytes % (1024 * 1024) == 0 => $"{bytes / (1024 * 1024)} MiB",
        _ when bytes % 1024 == 0 => $"{bytes / 1024} KiB",
        _ => $"{bytes} bytes",
    };

    private static string ConnectionFailure(Uri? uri, Exception e)
    {
        var host = uri?.IdnHost ?? "the server";
        return e switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => $"the TLS handshake with {host} failed",
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => $"could not connect to {host}",
            _ => $"the download from {host} failed",
        };
    }
}

/// <summary>A recording URL was refused or could not be downloaded; <see cref="Exception.Message"/> is the reason.</summary>
public sealed class RecordingFetchException(string reason) : Exception(reason)
{
    /// <summary>A short sentence for the 400 on <c>voice_recording_url</c>.</summary>
    public string Reason => Message;
}

/// <summary>A downloaded recording, held in a temporary file that disposing deletes.</summary>
public sealed class FetchedRecording(FileStream content, long length, AudioFormat.Detected format, Uri finalUrl)
    : IAsyncDisposable, IDisposable
{
    /// <summary>The body, positioned at its start.</summary>
    public Stream Content { get; } = content;

    /// <summary>The temporary file's path, for tools that read the file themselves (ffprobe).</summary>
    public string FilePath { get; } = content.Name;

    public long Length { get; } = length;

    public AudioFormat.Detected Format { get; } = format;

    /// <summary>The URL the body came from, after redirects.</summary>
    public Uri FinalUrl { get; } = finalUrl;

    public void Dispose() => Content.Dispose();

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
