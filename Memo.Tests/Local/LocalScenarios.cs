using Memo.Tests.Hosting;
using Memo.Tests.Scenarios;

namespace Memo.Tests.Local;

// The shared scenarios against the local processes. Each class gets its own stack.
public sealed class LocalAuthScenarios(LocalMemoHost host) : AuthScenarios(host), IClassFixture<LocalMemoHost>;

public sealed class LocalNotesScenarios(LocalMemoHost host) : NotesScenarios(host), IClassFixture<LocalMemoHost>;

public sealed class LocalTokenValidationScenarios(LocalMemoHost host) : TokenValidationScenarios(host), IClassFixture<LocalMemoHost>;

public sealed class LocalFaultScenarios(LocalMemoHost host) : FaultScenarios(host), IClassFixture<LocalMemoHost>;
