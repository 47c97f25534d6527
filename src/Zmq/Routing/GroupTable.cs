using Zmq.Engine;

namespace Zmq.Routing;

/// <summary>RADIO's view of its DISH peers: which pipes joined which group (exact match, 1–255 bytes,
/// RFC 48). A pipe joining a group twice counts once; leaving forgets it. Runs under the socket's
/// send lock. Part of the routing kit: unit-tested alone.</summary>
internal sealed class GroupTable
{
    /// <summary>The longest group ZMTP carries (RFC 48: a one-byte length).</summary>
    public const int MaxGroupLength = Sockets.Core.SocketTypes.MaxGroupLength;

    private readonly Dictionary<string, HashSet<Pipe>> _members = new(StringComparer.Ordinal);

    /// <summary>Groups are compared byte for byte; they are kept as Latin-1 strings (one char per
    /// byte), so any bytes round-trip and no encoding decides equality.</summary>
    private static string Key(ReadOnlySpan<byte> group) => System.Text.Encoding.Latin1.GetString(group);

    public bool Join(ReadOnlySpan<byte> group, Pipe pipe)
    {
        _lastGroupLength = -1;
        string key = Key(group);
        if (!_members.TryGetValue(key, out var pipes))
        {
            _members[key] = pipes = [];
        }
        return pipes.Add(pipe);
    }

    public bool Leave(ReadOnlySpan<byte> group, Pipe pipe)
    {
        _lastGroupLength = -1;
        string key = Key(group);
        if (!_members.TryGetValue(key, out var pipes) || !pipes.Remove(pipe))
        {
            return false;
        }
        if (pipes.Count == 0)
        {
            _members.Remove(key);
        }
        return true;
    }

    /// <summary>Forgets every group of a pipe that left.</summary>
    public void RemoveAll(Pipe pipe)
    {
        _lastGroupLength = -1;
        foreach (var (key, pipes) in _members.ToList())
        {
            if (pipes.Remove(pipe) && pipes.Count == 0)
            {
                _members.Remove(key);
            }
        }
    }

    private static readonly HashSet<Pipe> None = [];

    /// <summary>The group looked up last and its members, until the next change: a RADIO mostly
    /// sends to one group at a stretch, and a byte comparison is cheaper than the lookup.</summary>
    private readonly byte[] _lastGroupBytes = new byte[MaxGroupLength];
    private int _lastGroupLength = -1;
    private HashSet<Pipe> _lastMembers = None;

    /// <summary>The pipes that joined <paramref name="group"/> (empty when none); read before the next change.</summary>
    public HashSet<Pipe> Members(ReadOnlySpan<byte> group)
    {
        if (group.Length == _lastGroupLength && group.SequenceEqual(_lastGroupBytes.AsSpan(0, _lastGroupLength)))
        {
            return _lastMembers;
        }
        var members = _members.GetAlternateLookup<ReadOnlySpan<char>>() is var lookup && TryMembers(group, lookup, out var pipes) ? pipes : None;
        if (group.Length <= MaxGroupLength)
        {
            group.CopyTo(_lastGroupBytes);
            _lastGroupLength = group.Length;
            _lastMembers = members;
        }
        return members;
    }

    private static bool TryMembers(ReadOnlySpan<byte> group, Dictionary<string, HashSet<Pipe>>.AlternateLookup<ReadOnlySpan<char>> lookup, out HashSet<Pipe> pipes)
    {
        Span<char> chars = stackalloc char[MaxGroupLength];
        if (group.Length > MaxGroupLength)
        {
            pipes = null!;
            return false;
        }
        int n = System.Text.Encoding.Latin1.GetChars(group, chars);
        return lookup.TryGetValue(chars[..n], out pipes!);
    }
}
