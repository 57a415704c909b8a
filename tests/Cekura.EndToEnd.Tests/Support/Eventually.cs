namespace Cekura.EndToEnd.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes: the one way these tests wait for background work.</summary>
public static class Eventually
{
    /// <summary>The first value <paramref name="probe"/> returns that satisfies <paramref name="done"/>; fails with <paramref name="describe"/> of the last value at the deadline.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, Func<T, string> describe, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            Assert.True(DateTime.UtcNow < deadline, describe(value));
            await Task.Delay(100);
        }
    }
}
