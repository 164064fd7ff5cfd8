using Memo.DevHost.Infrastructure;

using Npgsql;

namespace Memo.Tests.Local;

/// <summary>The local PostgreSQL server the tests, Memo.DevHost and the benchmark run.</summary>
public sealed class PostgresServerTests
{
    [Fact]
    public async Task A_server_started_again_on_its_port_is_not_handed_connections_pooled_to_the_one_before()
    {
        using var scratch = ScratchDirectory.Create();
        await using var server = await PostgresServer.StartAsync(scratch.Subdirectory("postgres"), ["pooled"]);
        var connectionString = server.ConnectionString("pooled");
        Assert.Equal(1, await SelectOneAsync(connectionString)); // leaves an open connection in this process's pool

        await server.StopAsync();
        await server.StartAsync();

        // The same port with the same credentials, as a later test class's server may get it too: the pooled
        // connection went with the server before, and must not be handed out.
        Assert.Equal(1, await SelectOneAsync(connectionString));
    }

    private static async Task<int> SelectOneAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
