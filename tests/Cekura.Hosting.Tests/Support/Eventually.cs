namespace Cekura.Hosting.Tests.Support;

/// <summary>Waits for a condition with a deadline instead of sleeping a fixed time; the deadline is generous for a loaded CI box.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds and returns that value; fails naming <paramref name="what"/>.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var last = await probe();
        while (!done(last))
        {
            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"Gave up after {Deadline.TotalSeconds} s waiting for {what}; last seen: {last}");
            }
            await Task.Delay(20, CancellationToken.None);
            last = await probe();
        }
        return last;
    }

    public static Task UntilAsync(Func<bool> condition, string what) =>
        UntilAsync(() => Task.FromResult(condition()), ok => ok, what);
}
