using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// pgAdmin and Redis Insight only when asked for (launch profile "http-tools", or MEMO_TOOLS=true).
var withTools = builder.Configuration.GetValue("MEMO_TOOLS", false);

var postgres = builder.AddPostgres("postgres").WithDataVolume();
var cache = builder.AddRedis("cache");
if (withTools)
{
    postgres.WithPgAdmin();
    cache.WithRedisInsight();
}

// A database per service; the names are the connection-string keys the services read.
var authdb = postgres.AddDatabase("authdb");
var notesdb = postgres.AddDatabase("notesdb");

// The services are internal: clients reach them only through the gateway.
var auth = AddService<Projects.Memo_Auth>("auth")
    .WithReference(authdb).WaitFor(authdb)
    .WithReference(cache).WaitFor(cache)
    .WithHttpHealthCheck("/health");

// An 8 MB young generation rather than the one the GC sizes from the CPU's cache (16 MB on the benchmark's machine):
// Notes' peak 8 to 10 MB lower, get-by-id as fast, the list up to a tenth slower (docs/performance.md, "Memory").
// Memo.DevHost runs it the same way.
var notes = AddService<Projects.Memo_Notes>("notes")
    .WithEnvironment("DOTNET_GCgen0size", "0x800000")
    .WithReference(notesdb).WaitFor(notesdb)
    .WithReference(cache).WaitFor(cache)
    .WithReference(auth).WaitFor(auth)
    .WithHttpHealthCheck("/health");

// The browser front end, internal too: it calls Auth and Notes from the server and keeps sessions and its Data
// Protection keys in the cache (services__auth__http__0, services__notes__http__0, ConnectionStrings__cache).
var web = AddService<Projects.Memo_Web>("web")
    .WithReference(auth).WaitFor(auth)
    .WithReference(notes).WaitFor(notes)
    .WithReference(cache).WaitFor(cache)
    .WithHttpHealthCheck("/health");

// The one entry point, and the only resource with external endpoints. It finds the services by these references
// (services__auth__http__0, services__notes__http__0, services__web__http__0).
AddService<Projects.Memo_Gateway>("gateway")
    .WithReference(auth).WaitFor(auth)
    .WithReference(notes).WaitFor(notes)
    .WithReference(web).WaitFor(web)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.Build().Run();

// glibc's allocator held on to freed native memory (docs/performance.md, "Memory"): two arenas rather than up to eight
// per core, with more of them Auth's native memory grew through a soak; blocks of 64 KB and more mapped and unmapped
// on their own rather than carved from the heap, where they left it 10 MB larger. Memo.DevHost runs them the same way.
IResourceBuilder<ProjectResource> AddService<TProject>(string name) where TProject : IProjectMetadata, new() =>
    builder.AddProject<TProject>(name)
        .WithEnvironment("MALLOC_ARENA_MAX", "2")
        .WithEnvironment("MALLOC_MMAP_THRESHOLD_", "65536");
