using Zmq.Engine;
using Zmq.Routing;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// DISH (RFC 48): receives what its RADIO peers send to the groups it joined (<see cref="Join"/>;
/// exact match), each message with its <see cref="Message.Group"/>. Joined groups are sent to every
/// RADIO, and again after each reconnect; messages are also filtered here, so nothing of a group is
/// received once <see cref="Leave"/> returns. Fair-queues across RADIOs. Sends nothing.
/// Single-frame messages only.
/// <para>Thread-safe: any number of threads may receive, join, leave, bind, connect and dispose at
/// once (<see cref="ZmqSocket.IsThreadSafe"/>). Options are not synchronised: set them before Bind
/// and Connect.</para>
/// </summary>
public sealed class DishSocket : ZmqSocket, IReceivingSocket
{
    private readonly Rules _rules;

    /// <summary>Creates a DISH in <see cref="ZmqContext.Default"/>.</summary>
    public DishSocket()
        : this(null)
    {
    }

    /// <summary>Creates a DISH whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public DishSocket(ZmqContext? context)
        : base(context, new Rules())
    {
        _rules = (Rules)Pattern;
    }

    /// <summary>Receives the messages sent to <paramref name="group"/> (1 to 255 bytes in UTF-8,
    /// matched exactly). RADIOs hear of it in the background (those connected now at once, others as
    /// they connect), so their messages to it start arriving a little later.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="group"/> is null.</exception>
    /// <exception cref="ArgumentException">The group is empty or longer than 255 bytes in UTF-8.</exception>
    /// <exception cref="InvalidOperationException">The group is joined already (as libzmq: leave it first).</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public void Join(string group) => Change(group, join: true);

    /// <summary>Stops receiving <paramref name="group"/>: nothing of it is received once this returns,
    /// even what the RADIOs had already sent.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="group"/> is null.</exception>
    /// <exception cref="ArgumentException">The group is empty or longer than 255 bytes in UTF-8.</exception>
    /// <exception cref="InvalidOperationException">The group is not joined.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public void Leave(string group) => Change(group, join: false);

    /// <summary>The groups live in the receive filter (read under the receive lock) and go to the
    /// RADIOs (under the send lock): a change holds both.</summary>
    private void Change(string group, bool join)
    {
        ThrowIfDisposed();
        using (SendLock.Enter())
        using (ReceiveLock.Enter())
        {
            if (join)
            {
                _rules.Groups.Join(group);
            }
            else
            {
                _rules.Groups.Leave(group);
            }
        }
    }

    private sealed class Rules : InterestPattern
    {
        public readonly JoinedGroups Groups;

        public Rules()
            : this(new JoinedGroups())
        {
        }

        private Rules(JoinedGroups groups)
            : base(groups)
        {
            Groups = groups;
        }

        public override ZmqSocketType Type => ZmqSocketType.Dish;

        public override bool Filters => true;

        public override bool Accepts(ReadOnlySpan<byte> first) => Groups.Accepts(first);

        public override uint GroupId(ReadOnlySpan<byte> group) => Groups.Id(group);
    }
}
