namespace Cekura.Hosting.Storage;

/// <summary>Which blobs stored calls point to as their recording; the orphaned-recording sweep keeps exactly those.</summary>
public interface IRecordingReferences
{
    /// <summary>The keys among <paramref name="blobKeys"/> that some stored call names as its recording's blob key.</summary>
    Task<IReadOnlySet<string>> FindReferencedAsync(IReadOnlyCollection<string> blobKeys, CancellationToken cancellationToken);
}
