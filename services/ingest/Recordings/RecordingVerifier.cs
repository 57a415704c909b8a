using Cekura.Contracts.Calls;
using Cekura.Hosting.Storage;
using Cekura.Hosting.Storage.Protection;
using Cekura.Speech.Audio;
using Microsoft.Extensions.Options;

namespace Cekura.Ingest.Recordings;

/// <summary>A recording that decoded whole, in a temporary file that disposing deletes.</summary>
public sealed class VerifiedRecording(Stream content, long length, AudioFormat.Detected format, AudioProbe probe, IAsyncDisposable owner)
    : IAsyncDisposable
{
    /// <summary>The original bytes, positioned at their start.</summary>
    public Stream Content { get; } = content;

    public long Length { get; } = length;

    public AudioFormat.Detected Format { get; } = format;

    /// <summary>ffprobe's facts, with the duration that actually decoded.</summary>
    public AudioProbe Probe { get; } = probe;

    /// <summary>
    /// Stores the original bytes under a new key of the project, sealed with <paramref name="dataKeyId"/> when the call
    /// awaits redaction; the result records ffprobe's facts.
    /// </summary>
    public async Task<CallRecording> StoreAsync(IBlobStore blobs, long projectId, string? dataKeyId, CancellationToken cancellationToken)
    {
        var key = RecordingBlobKeys.New(projectId, Format.Extension);
        key = dataKeyId is null ? key : SealedBlobKeys.For(dataKeyId, key);
        await blobs.PutAsync(key, Content, Length, Format.ContentType, cancellationToken);
        return new CallRecording
        {
            BlobKey = key,
            ContentType = Format.ContentType,
            Format = Format.Format,
            SizeBytes = Length,
            Codec = Probe.Codec,
            SampleRate = Probe.SampleRate,
            Channels = Probe.Channels,
            DurationSeconds = Probe.DurationSeconds,
            BitRate = Probe.BitRate,
        };
    }

    public ValueTask DisposeAsync() => owner.DisposeAsync();
}

/// <summary>
/// Decodes a recording from a file before ingest stores it, so a corrupt, truncated, empty or too-long file is a 400
/// naming the field instead of a call that fails in transcription. Works on files, never on the whole recording in
/// memory: ffmpeg reads the path and streams what it decodes into a counter.
/// </summary>
public sealed class RecordingVerifier(Ffmpeg ffmpeg, IOptions<RecordingCheckOptions> options)
{
    /// <summary>The decoded facts, or why the file cannot be used (a sentence for the client).</summary>
    /// <exception cref="InvalidOperationException">ffprobe/ffmpeg could not run: a server fault, never the client's.</exception>
    public async Task<(AudioProbe? Probe, string? Problem)> VerifyAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await ffmpeg.VerifyAsync(path, options.Value.MaxDurationSeconds, cancellationToken), null);
        }
        catch (AudioDecodeException e)
        {
            return (null, e.Message);
        }
        catch (AudioTooLongException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>Copies <paramref name="source"/> into a temporary file, decodes it and keeps it only if it decoded.</summary>
    public async Task<(VerifiedRecording? Recording, string? Problem)> SaveAndVerifyAsync(
        Stream source, AudioFormat.Detected format, CancellationToken cancellationToken)
    {
        var file = CreateTempFile();
        try
        {
            await source.CopyToAsync(file, cancellationToken);
            await file.FlushAsync(cancellationToken);
            var (probe, problem) = await VerifyAsync(file.Name, cancellationToken);
            if (probe is null)
            {
                await file.DisposeAsync();
                return (null, problem);
            }
            file.Position = 0;
            return (new VerifiedRecording(file, file.Length, format, probe, file), null);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    // DeleteOnClose: the file goes when the stream is disposed, on every path out. FileShare.Read lets ffmpeg open it.
    private static FileStream CreateTempFile() =>
        new(Path.Combine(Path.GetTempPath(), $"cekura-upload-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
}
