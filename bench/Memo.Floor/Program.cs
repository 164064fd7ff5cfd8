// The floor the benchmark compares Memo.Notes with: the least an ASP.NET Core app does to read one note by primary key
// with Npgsql and answer it as JSON, tuned as TechEmpower's ASP.NET Core entries are (Minimal and Platform: no logging,
// no Server header, one NpgsqlDataSource, prepared statements, the JSON source generator, sockets that allocate no
// buffer before data arrives). No authentication, no middleware. It reads the notes table Memo.Notes created, through
// the same connection string (so the same pool size and statement preparation), so that the ratio of Notes to it is
// what Memo's own code costs. Configured as Aspire injects it: ConnectionStrings__notesdb, ASPNETCORE_URLS.
using System.Text.Json.Serialization;

using Npgsql;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.WebHost.UseSockets(sockets => sockets.WaitForDataBeforeAllocatingBuffer = false);
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, FloorJson.Default));

var connectionString = new NpgsqlConnectionStringBuilder(builder.Configuration.GetConnectionString("notesdb")
    ?? throw new InvalidOperationException("Missing required setting ConnectionStrings:notesdb (environment variable ConnectionStrings__notesdb)."))
{
    // As Memo.ServiceDefaults configures every Memo data source, so that the database does the same work.
    NoResetOnClose = true,
    MaxAutoPrepare = 32,
};
await using var db = new NpgsqlSlimDataSourceBuilder(connectionString.ConnectionString).EnableArrays().Build();

var app = builder.Build();

app.MapGet("/alive", () => TypedResults.Ok());
app.MapGet("/notes/{id:guid}", async Task<IResult> (Guid id) =>
{
    await using var command = db.CreateCommand("SELECT id, title, content, tags, created_at, updated_at, version FROM notes WHERE id = $1");
    command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
    await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow);
    return await reader.ReadAsync()
        ? TypedResults.Ok(new Note(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3),
            reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt32(6)))
        : TypedResults.NotFound();
});

app.Run();

/// <summary>The same fields, names and order as Memo.Notes' note.</summary>
internal sealed record Note(Guid Id, string Title, string Content, string[] Tags, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Note))]
internal sealed partial class FloorJson : JsonSerializerContext;
