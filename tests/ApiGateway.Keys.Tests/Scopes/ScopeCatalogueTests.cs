using ApiGateway.Keys.Scopes;
using ApiGateway.TestKit;

namespace ApiGateway.Keys.Tests.Scopes;

public sealed class ScopeCatalogueTests
{
    private const string RoutesJson = """
        {
          // comments and trailing commas are accepted, as in appsettings
          "ReverseProxy": {
            "Routes": {
              "contacts": { "ClusterId": "c", "Match": { "Path": "/contacts" }, "Metadata": { "Resource": "contacts" } },
              "invoices": { "ClusterId": "c", "Match": { "Path": "/invoices" },
                            "Metadata": { "Scopes": "invoices:read", "Scopes.POST": "invoices:write", "Scopes.DELETE": "invoices:delete" } },
              "status":   { "ClusterId": "c", "Match": { "Path": "/status" }, "Metadata": { "Public": "true" } },
              "broken":   { "ClusterId": "c", "Match": { "Path": "/broken" }, "Metadata": { "Scopes": "secret:*" } },
              "bad2":     { "ClusterId": "c", "Match": { "Path": "/bad2" }, "Metadata": { "Resource": "hidden", "Public": "true" } },
              "nometa":   { "ClusterId": "c", "Match": { "Path": "/nometa" } },
            },
          },
        }
        """;

    [Fact]
    public void FromRoutesFile_ValidRoutes_CollectsTheirScopes()
    {
        var catalogue = FromText(RoutesJson);

        Assert.Equal(
            new HashSet<string> { "contacts:read", "contacts:write", "invoices:read", "invoices:write", "invoices:delete" },
            catalogue.Scopes.ToHashSet());
    }

    [Theory]
    [InlineData("contacts:read", true)]
    [InlineData("invoices:delete", true)]
    [InlineData("*", true)]
    [InlineData("*:read", true)]
    [InlineData("contacts:admin", false)]
    [InlineData("hidden:read", false)]
    [InlineData("contacts:*", false)]
    [InlineData("*:write", false)]
    [InlineData("CONTACTS:READ", false)]
    [InlineData("", false)]
    [InlineData("secret:*", false)]
    public void Allows_Scope_OnlyCatalogueOrKeyWildcards(string scope, bool expected)
    {
        Assert.Equal(expected, FromText(RoutesJson).Allows(scope));
    }

    [Fact]
    public void ByResource_GroupsActionsSorted()
    {
        var byResource = FromText(RoutesJson).ByResource;

        Assert.Equal(["contacts", "invoices"], byResource.Keys);
        Assert.Equal(["read", "write"], byResource["contacts"]);
        Assert.Equal(["delete", "read", "write"], byResource["invoices"]);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{ "ReverseProxy": {} }""")]
    [InlineData("""{ "ReverseProxy": { "Routes": [] } }""")]
    [InlineData("""{ "ReverseProxy": { "Routes": { "r": { "Metadata": "x" } } } }""")]
    public void FromRoutesFile_NoUsableRoutes_Empty(string json)
    {
        Assert.Empty(FromText(json).Scopes);
    }

    [Fact]
    public void FromRoutesFile_RepositoryRoutesJson_DefinesTheDemoScopes()
    {
        var path = Path.Combine(RepositoryRoot(), "config", "routes.json");

        var catalogue = ScopeCatalogue.FromRoutesFile(path);

        Assert.True(catalogue.Allows("contacts:read"));
        Assert.True(catalogue.Allows("contacts:write"));
        Assert.All(catalogue.Scopes, s => Assert.True(ScopeGrammar.IsConcrete(s), s));
    }

    [Fact]
    public void FromRoutesFile_NamesInAnotherCase_ReadAsTheGatewayReadsThem()
    {
        // Configuration keys are case-insensitive, so the gateway enforces this route's scopes; the catalogue must offer them.
        var catalogue = FromText("""{ "reverseProxy": { "routes": { "r": { "metadata": { "scopes": "billing:read" } } } } }""");

        Assert.True(catalogue.Allows("billing:read"));
    }

    [Fact]
    public void FromRoutesFile_EmptyFile_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => FromText(""));
    }

    [Fact]
    public void FromRoutesFile_MissingFile_Throws()
    {
        Assert.ThrowsAny<IOException>(() => ScopeCatalogue.FromRoutesFile(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "routes.json")));
    }

    private static ScopeCatalogue FromText(string json)
    {
        using var file = new TempDatabase("routes.json");
        File.WriteAllText(file.Path, json);
        return ScopeCatalogue.FromRoutesFile(file.Path);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ApiGateway.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("ApiGateway.sln not found above the test output.");
    }
}
