namespace Zmq.Routing;

/// <summary>
/// A number for every group name any DISH in the process has joined, so that what a DISH receives
/// can carry its group as a plain number: <see cref="ReceiveResult"/> then holds no reference, and
/// the receive-into-buffer path writes no reference per message (which would cost a GC write
/// barrier). Names are only added, and few: they are what applications join.
/// </summary>
internal static class GroupNames
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, uint> Ids = new(StringComparer.Ordinal);

    /// <summary>Name by number (id − 1), replaced whole when one is added: read from any thread.</summary>
    private static string[] _names = [];

    /// <summary>The number of <paramref name="name"/>, given it on first use.</summary>
    public static uint Of(string name)
    {
        lock (Gate)
        {
            if (!Ids.TryGetValue(name, out uint id))
            {
                var names = _names;
                id = (uint)names.Length + 1;
                Ids[name] = id;
                Volatile.Write(ref _names, [.. names, name]);
            }
            return id;
        }
    }

    /// <summary>Any thread: the name numbered <paramref name="id"/>; null for 0.</summary>
    public static string? Name(uint id)
    {
        var names = Volatile.Read(ref _names);
        return id - 1 < (uint)names.Length ? names[id - 1] : null;
    }
}
