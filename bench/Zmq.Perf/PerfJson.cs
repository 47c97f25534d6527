using System.Text.Json.Serialization;

namespace Zmq.Perf;

/// <summary>Source-generated JSON for what a child process reports.</summary>
[JsonSerializable(typeof(SideResult))]
internal sealed partial class PerfJson : JsonSerializerContext;
