namespace Cekura.Hosting.Storage;

/// <summary>
/// Another writer held the store for the whole wait (SQLite's busy timeout: a second process on the same file inside a
/// long transaction, or paused in one): nothing of the write was stored, and the same write may succeed later. The
/// API answers it with a 503 and Retry-After rather than a 500.
/// </summary>
public sealed class StoreBusyException(string message, Exception inner) : Exception(message, inner);
