// The admin API's vocabulary, imported once for the whole project (as ImplicitUsings does for the framework): the key
// library's model and stores, the wire contracts and their validation, and the minimal-API results and options every
// endpoint and service uses. Each file still names the namespaces only some files need.
global using ApiGateway.AdminApi.Contracts;
global using ApiGateway.AdminApi.Validation;
global using ApiGateway.Keys.Model;
global using ApiGateway.Keys.Storage;
global using Microsoft.AspNetCore.Http.HttpResults;
global using Microsoft.Extensions.Options;
