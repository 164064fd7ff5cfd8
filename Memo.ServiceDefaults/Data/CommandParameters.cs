using Npgsql;

namespace Memo.ServiceDefaults.Data;

public static class CommandParameters
{
    /// <summary>
    /// Adds <paramref name="value"/> as the command's next positional parameter and returns its placeholder (<c>$1</c>,
    /// <c>$2</c>, ...). Named parameters (<c>@id</c>) make Npgsql rewrite the SQL text on every execution, and untyped
    /// ones box their value: on a read by key both showed among the request's allocations (docs/performance.md).
    /// </summary>
    public static string Bind<T>(this NpgsqlCommand command, T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return $"${command.Parameters.Count}";
    }
}
