namespace Cekura.Hosting.Storage.Blobs;

/// <summary>
/// Blobs as files under one directory: key <c>recordings/12/abc.wav</c> is <c>{root}/recordings/12/abc.wav</c>.
/// A put writes a temporary file beside the target, flushes it to disk and renames it over the target, so
/// readers and a crash only ever see the old or the new file whole.
/// </summary>
public sealed class LocalBlobStore(string rootDirectory) : IBlobStore
{
    private const string TempSuffix = ".partial";
    private readonly string _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));

    public async Task PutAsync(string key, Stream content, long length, string contentType, CancellationToken cancellationToken)
    {
        var path = Resolve(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}{TempSuffix}";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, cancellationToken);
                if (length >= 0 && file.Length != length)
                {
                    throw new IOException($"Blob '{key}': expected {length} bytes, the stream had {file.Length}.");
                }
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = Resolve(key);
        try
        {
            // FileShare.Delete: an overwrite (rename) or delete may proceed while this reader holds the old file.
            Stream stream = new FileStream(
                path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = Resolve(key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
        return Task.CompletedTask;
    }

    /// <summary>Walks only the directory the prefix names up to its last '/', so listing one folder leaves the others alone.</summary>
    public IAsyncEnumerable<StoredBlob> ListAsync(string prefix, CancellationToken cancellationToken) =>
        Enumerate(prefix, cancellationToken).ToAsyncEnumerable();

    private IEnumerable<StoredBlob> Enumerate(string prefix, CancellationToken cancellationToken)
    {
        var folder = prefix.LastIndexOf('/') is var slash and > 0 ? prefix[..slash] : null;
        var directory = folder is null ? _root : Path.GetDirectoryName(Resolve(folder + "/_"))!;
        if (!Directory.Exists(directory))
        {
            yield break;
        }
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/');
            // A temporary file of a put in progress (or of one a crash interrupted) is not a blob.
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || key.EndsWith(TempSuffix, StringComparison.Ordinal))
            {
                continue;
            }
            var file = new FileInfo(path);
            if (file.Exists)
            {
                yield return new StoredBlob(key, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));
            }
        }
    }

    /// <summary>The file of <paramref name="key"/>; keys are relative, '/'-separated and never leave the root.</summary>
    private string Resolve(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var segments = key.Split('/');
        if (key.Contains('\\') || key.Contains('\0') || Path.IsPathRooted(key)
            || segments.Any(s => s.Length == 0 || s is "." or "..")
            || segments[^1].EndsWith(TempSuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid blob key '{key}': keys are relative paths like 'recordings/12/abc.wav'.", nameof(key));
        }
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid blob key '{key}': it leaves the blob directory.", nameof(key));
        }
        return path;
    }
}
