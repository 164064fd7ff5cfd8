using Memo.Tests.Scenarios;

namespace Memo.Tests.Aspire;

// The same scenarios as Local/LocalScenarios.cs, against the AppHost. One AppHost serves them all.
[CollectionDefinition(Name)]
public sealed class AspireCollection : ICollectionFixture<AspireMemoHost>
{
    public const string Name = "Aspire";
}

[Collection(AspireCollection.Name)]
public sealed class AspireAuthScenarios(AspireMemoHost host) : AuthScenarios(host);

[Collection(AspireCollection.Name)]
public sealed class AspireNotesScenarios(AspireMemoHost host) : NotesScenarios(host);

[Collection(AspireCollection.Name)]
public sealed class AspireTokenValidationScenarios(AspireMemoHost host) : TokenValidationScenarios(host);

[Collection(AspireCollection.Name)]
public sealed class AspireFaultScenarios(AspireMemoHost host) : FaultScenarios(host);
