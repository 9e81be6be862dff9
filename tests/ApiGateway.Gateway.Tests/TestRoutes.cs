namespace ApiGateway.Gateway.Tests;

/// <summary>The routes the gateway tests run against: one of each kind of scope metadata.</summary>
public static class TestRoutes
{
    /// <summary>An extra route for <see cref="Json"/>: <c>/v1/search</c> (search:read) with a request cost of 5 units.</summary>
    public const string CostlySearch = """
        ,
        "search": { "ClusterId": "main", "Match": { "Path": "/v1/search" }, "Metadata": { "Resource": "search", "Cost": "5" } }
        """;

    public static string Json(Uri upstream, Uri sandbox, string extraRoutes = "") => $$"""
    {
      "ReverseProxy": {
        "Routes": {
          "contacts": { "ClusterId": "main", "Match": { "Path": "/v1/contacts/{**rest}" }, "Metadata": { "Resource": "contacts" } },
          "invoices": {
            "ClusterId": "main", "Match": { "Path": "/v1/invoices/{**rest}" },
            "Metadata": { "Scopes": "invoices:read", "Scopes.POST": "invoices:write", "Scopes.DELETE": "invoices:delete" }
          },
          "reports": { "ClusterId": "main", "Match": { "Path": "/v1/reports/{**rest}" }, "Metadata": { "Scopes.GET": "reports:read" } },
          "ledger": { "ClusterId": "main", "Match": { "Path": "/v1/ledger/{**rest}" }, "Metadata": { "Scopes": "ledger:read, audit:read" } },
          "payments": { "ClusterId": "main", "Match": { "Path": "/v1/payments/{**rest}" }, "Metadata": { "Resource": "payments", "LiveOnly": "true" } },
          "orders": { "ClusterId": "main", "Match": { "Path": "/v1/orders/{**rest}" }, "Metadata": { "Resource": "orders", "TestCluster": "sandbox" } },
          "status": { "ClusterId": "main", "Match": { "Path": "/v1/status" }, "Metadata": { "Public": "true" } }{{extraRoutes}}
        },
        "Clusters": {
          "main": { "Destinations": { "d1": { "Address": "{{upstream}}" } } },
          "sandbox": { "Destinations": { "d1": { "Address": "{{sandbox}}" } } }
        }
      }
    }
    """;
}
