using Memo.Auth.Passwords;

using Microsoft.Extensions.Options;

namespace Memo.Tests.Passwords;

public sealed class PasswordHasherTests : IDisposable
{
    private readonly PasswordHasher hasher = Hasher(600_000);

    [Fact]
    public async Task The_password_matches_its_hash_and_another_does_not()
    {
        var stored = await hasher.HashAsync("correct horse battery", CancellationToken.None);

        Assert.StartsWith("pbkdf2-sha256$600000$", stored, StringComparison.Ordinal);
        Assert.Equal(PasswordCheck.Succeeded, await hasher.VerifyAsync("correct horse battery", stored, CancellationToken.None));
        Assert.Equal(PasswordCheck.Failed, await hasher.VerifyAsync("correct horse batterY", stored, CancellationToken.None));
    }

    [Fact]
    public async Task Two_hashes_of_one_password_differ_by_their_salt()
    {
        var first = await hasher.HashAsync("same password", CancellationToken.None);
        var second = await hasher.HashAsync("same password", CancellationToken.None);

        Assert.NotEqual(first, second);
        Assert.Equal(PasswordCheck.Succeeded, await hasher.VerifyAsync("same password", second, CancellationToken.None));
    }

    [Fact]
    public async Task An_unknown_account_fails_like_a_wrong_password()
    {
        Assert.Equal(PasswordCheck.Failed, await hasher.VerifyAsync("any password", storedHash: null, CancellationToken.None));
    }

    [Fact]
    public async Task A_hash_made_with_fewer_iterations_still_verifies_and_asks_for_a_rehash()
    {
        using var stronger = Hasher(700_000);
        var stored = await hasher.HashAsync("kept password", CancellationToken.None);

        Assert.Equal(PasswordCheck.SucceededRehashNeeded, await stronger.VerifyAsync("kept password", stored, CancellationToken.None));
        Assert.Equal(PasswordCheck.Failed, await stronger.VerifyAsync("other password", stored, CancellationToken.None));
    }

    [Fact]
    public async Task A_stored_value_in_another_format_is_an_error_not_a_failed_login()
    {
        await Assert.ThrowsAsync<FormatException>(() => hasher.VerifyAsync("password", "md5$abc", CancellationToken.None));
    }

    [Fact]
    public async Task More_hashes_than_cores_all_complete()
    {
        // They queue for the cores instead of running at once; every one of them still gets its answer.
        var stored = await hasher.HashAsync("queued password", CancellationToken.None);
        var checks = await Task.WhenAll(Enumerable.Range(0, 3 * Environment.ProcessorCount)
            .Select(i => hasher.VerifyAsync(i % 2 == 0 ? "queued password" : "wrong password", stored, CancellationToken.None)));

        Assert.Equal(Enumerable.Range(0, checks.Length).Select(i => i % 2 == 0 ? PasswordCheck.Succeeded : PasswordCheck.Failed), checks);
    }

    [Fact]
    public async Task A_caller_that_gave_up_is_not_hashed_for()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hasher.VerifyAsync("password", null, new CancellationToken(canceled: true)));
    }

    public void Dispose() => hasher.Dispose();

    private static PasswordHasher Hasher(int iterations) => new(Options.Create(new PasswordOptions { Iterations = iterations }));
}
