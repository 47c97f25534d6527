using System.Runtime.CompilerServices;
using Zmq.Engine;
using Zmq.Messages;

namespace Zmq.Sockets.Core;

/// <summary>
/// One frame on its way into a pipe: either a payload short enough to be copied straight into the
/// queue slot (no message built first), or a built message whose payload moves with it. Patterns
/// route by <see cref="Span"/> and <see cref="RoutingId"/> and hand the frame to one pipe
/// (<see cref="WriteTo"/>) or to many (<see cref="WriteToAll"/>), never copying it per pipe.
/// </summary>
internal ref struct Outgoing
{
    private readonly ReadOnlySpan<byte> _inline;
    private ref Msg _msg;
    private readonly bool _isInline;

    /// <summary>A payload of at most <see cref="Msg.InlineCapacity"/> bytes.</summary>
    public Outgoing(ReadOnlySpan<byte> inline, bool more, uint routingId, ReadOnlySpan<byte> group = default)
    {
        _inline = inline;
        _msg = ref Unsafe.NullRef<Msg>();
        _isInline = true;
        More = more;
        RoutingId = routingId;
        Group = group;
    }

    /// <summary>A built message; once written, <paramref name="msg"/> is emptied.</summary>
    public Outgoing(ref Msg msg, uint routingId, ReadOnlySpan<byte> group = default)
    {
        _msg = ref msg;
        _isInline = false;
        More = msg.More;
        RoutingId = routingId;
        Group = group;
    }

    public readonly bool More;

    /// <summary>The peer to send to, where the socket type sends by routing id (SERVER, PEER).</summary>
    public readonly uint RoutingId;

    /// <summary>The message's group, where the socket type sends to groups (RADIO): 1–255 bytes.</summary>
    public readonly ReadOnlySpan<byte> Group;

    public readonly ReadOnlySpan<byte> Span => _isInline ? _inline : _msg.Span;

    /// <summary>Queues the frame on <paramref name="pipe"/>.</summary>
    public readonly void WriteTo(Pipe pipe)
    {
        if (_isInline)
        {
            pipe.WriteInline(_inline, More);
        }
        else
        {
            pipe.Write(_msg);
            _msg = default;
        }
    }

    /// <summary>Queues the frame on every pipe in <paramref name="pipes"/>: an inline payload is
    /// copied into each slot (as cheap as a reference), a larger one is shared by all, counted, and
    /// returned to the pool by the last pipe done with it.</summary>
    public readonly void WriteToAll(List<Pipe> pipes)
    {
        int n = pipes.Count;
        if (_isInline)
        {
            foreach (var pipe in pipes)
            {
                pipe.WriteInline(_inline, More);
            }
            return;
        }
        if (n == 0)
        {
            _msg.Release();
            return;
        }
        if (n > 1)
        {
            _msg.Share(n);
        }
        foreach (var pipe in pipes)
        {
            pipe.Write(_msg);
        }
        _msg = default;
    }

    /// <summary>Queues the frame on <paramref name="pipe"/>, or drops it when there is none (the rest
    /// of a message whose peer cannot take it).</summary>
    public readonly void WriteToOrDrop(Pipe? pipe)
    {
        if (pipe != null)
        {
            WriteTo(pipe);
        }
        else
        {
            Drop();
        }
    }

    /// <summary>Drops the frame (its payload back to the pool).</summary>
    public readonly void Drop()
    {
        if (!_isInline)
        {
            _msg.Release();
        }
    }
}
