// Compares where two processes allocate, from EventPipe traces taken with
//   dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x1:5
// (GC AllocationTick: one event per ~100 KB allocated, naming the type that crossed the threshold).
// Usage: Bench.AllocProfile BASE.nettrace BASE_REQUESTS OTHER.nettrace OTHER_REQUESTS [TOP]
// Prints bytes per request by type for both and the types the other process allocates most in excess of the base.
using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

var baseline = Sample(args[0]);
var other = Sample(args[2]);
var baseRequests = double.Parse(args[1], CultureInfo.InvariantCulture);
var otherRequests = double.Parse(args[3], CultureInfo.InvariantCulture);
var top = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 30;

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"base: {baseline.Values.Sum() / baseRequests:F0} B/request, other: {other.Values.Sum() / otherRequests:F0} B/request (sampled)"));
Console.WriteLine();
Console.WriteLine("| extra B/req | other B/req | base B/req | type |");
Console.WriteLine("|---:|---:|---:|---|");
foreach (var type in baseline.Keys.Union(other.Keys)
    .OrderByDescending(t => other.GetValueOrDefault(t) / otherRequests - baseline.GetValueOrDefault(t) / baseRequests).Take(top))
{
    var o = other.GetValueOrDefault(type) / otherRequests;
    var b = baseline.GetValueOrDefault(type) / baseRequests;
    var name = type.Length > 120 ? type[..120] + "…" : type;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {o - b:F0} | {o:F0} | {b:F0} | `{name}` |"));
}

static Dictionary<string, long> Sample(string path)
{
    var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
    using var source = new EventPipeEventSource(path);
    source.Clr.GCAllocationTick += (GCAllocationTickTraceData e) =>
    {
        var name = e.TypeName ?? "?";
        bytes[name] = bytes.GetValueOrDefault(name) + e.AllocationAmount64;
    };
    source.Process();
    return bytes;
}
