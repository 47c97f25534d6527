using System.Text;
using Zmq.Engine;
using Zmq.Messages;
using Zmq.Protocol;
using Zmq.Sockets.Core;

namespace Zmq.Routing;

/// <summary>
/// A DISH's own groups (RFC 48): the exact-match filter of what it receives, each group's number
/// (<see cref="GroupNames"/>: a received message carries its group without a string being made),
/// and the RADIOs told of them with JOIN and LEAVE. A RADIO that does not know them yet is told
/// all; a change goes to every RADIO that does. The filter is read under the receive lock and
/// changed under both locks; the rest runs under the send lock. Part of the routing kit.
/// </summary>
internal sealed class JoinedGroups : IPeerInterest
{
    private sealed class Group(uint id, byte[] bytes)
    {
        public readonly uint Id = id;
        public readonly byte[] Bytes = bytes;
        public bool Joined;
    }

    /// <summary>Keyed by the group's bytes as Latin-1 (one char per byte): compared byte for byte.</summary>
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);

    private readonly HashSet<Pipe> _told = [];

    /// <summary>Whether a message of <paramref name="group"/> is received.</summary>
    public bool Accepts(ReadOnlySpan<byte> group) => Find(group) is { Joined: true };

    /// <summary>The number of a group that was joined (0 for one never joined).</summary>
    public uint Id(ReadOnlySpan<byte> group) => Find(group)?.Id ?? 0;

    /// <exception cref="ArgumentException">The group is empty or longer than 255 bytes in UTF-8.</exception>
    /// <exception cref="InvalidOperationException">It is joined already.</exception>
    public void Join(string name)
    {
        var bytes = Encode(name);
        var key = Encoding.Latin1.GetString(bytes);
        if (!_groups.TryGetValue(key, out var group))
        {
            group = new Group(GroupNames.Of(name), bytes);
            _groups[key] = group;
        }
        else if (group.Joined)
        {
            throw new InvalidOperationException($"this DISH has joined '{name}' already (libzmq: EINVAL); leave it first to join it again");
        }
        group.Joined = true;
        foreach (var pipe in _told)
        {
            Tell(pipe, Commands.Join, bytes);
        }
    }

    /// <exception cref="ArgumentException">The group is empty or longer than 255 bytes in UTF-8.</exception>
    /// <exception cref="InvalidOperationException">The group is not joined.</exception>
    public void Leave(string name)
    {
        var bytes = Encode(name);
        if (!_groups.TryGetValue(Encoding.Latin1.GetString(bytes), out var group) || !group.Joined)
        {
            throw new InvalidOperationException($"this DISH has not joined '{name}' (libzmq: EINVAL): only a joined group can be left");
        }
        group.Joined = false;
        foreach (var pipe in _told)
        {
            Tell(pipe, Commands.Leave, bytes);
        }
    }

    /// <summary>Tells a RADIO that does not know them yet every group joined.</summary>
    public void TellAll(Pipe pipe)
    {
        if (!_told.Add(pipe))
        {
            return;
        }
        foreach (var group in _groups.Values)
        {
            if (group.Joined)
            {
                Tell(pipe, Commands.Join, group.Bytes);
            }
        }
    }

    /// <summary>The RADIO behind the pipe no longer knows the groups (its connection was lost) or is gone.</summary>
    public void Forget(Pipe pipe) => _told.Remove(pipe);

    /// <summary>As a command: over ZMTP a JOIN or LEAVE command frame, over inproc read by the RADIO's
    /// pattern as one. Like subscriptions, they ignore the high-water mark.</summary>
    private static void Tell(Pipe pipe, string command, byte[] group)
    {
        var msg = Msg.Wrap(Commands.BuildBody(command, group));
        msg.Command = true;
        pipe.Write(msg);
    }

    private static byte[] Encode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length is 0 or > SocketTypes.MaxGroupLength)
        {
            throw new ArgumentException($"a group has 1 to {SocketTypes.MaxGroupLength} bytes in UTF-8; '{name}' has {bytes.Length}", nameof(name));
        }
        return bytes;
    }

    /// <summary>The group found last: traffic runs in long stretches of one group, and each message
    /// is looked up twice (filter, then number), so a byte comparison mostly replaces the lookup.
    /// A group is never removed from the table, so the one kept stays valid.</summary>
    private Group? _last;

    private Group? Find(ReadOnlySpan<byte> group)
    {
        if (_last is { } last && group.SequenceEqual(last.Bytes))
        {
            return last;
        }
        if (group.Length > SocketTypes.MaxGroupLength)
        {
            return null;
        }
        Span<char> chars = stackalloc char[SocketTypes.MaxGroupLength];
        int n = Encoding.Latin1.GetChars(group, chars);
        if (!_groups.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..n], out var found))
        {
            return null;
        }
        _last = found;
        return found;
    }
}
