namespace Memo.Tests.Hosting;

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test when <paramref name="deadline"/> passes first.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan deadline, string? what = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < deadline, $"{what ?? "Not true"} within {deadline}.");
            await Task.Delay(50);
        }
    }
}
