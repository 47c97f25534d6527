using System.Runtime.InteropServices;
using static Zmq.Perf.Libraries.LibZmqNative;

namespace Zmq.Perf.Libraries;

/// <summary>A libzmq socket over P/Invoke, through zmq_msg_t as libzmq's own perf tools use it: a send
/// sizes a new message and sends it, a receive reuses one message, an echo sends the received one back.
/// All sockets of a process share one context, as in an application; <see cref="Shutdown"/>
/// terminates it once they are closed.</summary>
internal sealed class LibZmqBenchSocket : IBenchSocket
{
    private static readonly Lock ContextLock = new();
    private static IntPtr s_context;

    /// <summary>The reused received message; a second one is built for each send.</summary>
    private readonly IntPtr _received = Marshal.AllocHGlobal(MsgSize);
    private readonly IntPtr _outgoing = Marshal.AllocHGlobal(MsgSize);
    private IntPtr _socket;

    /// <summary>A ROUTER: each message starts with the sender's identity frame, read past.</summary>
    private readonly bool _routed;

    public LibZmqBenchSocket(Pattern pattern, bool bindSide, bool curve = false)
    {
        int type = pattern switch
        {
            Pattern.PushPull => bindSide ? Pull : Push,
            Pattern.ReqRep => bindSide ? Rep : Req,
            Pattern.PubSub => bindSide ? Pub : Sub,
            Pattern.DealerRouter => bindSide ? Router : Dealer,
            Pattern.PolledPair => Pair,
            _ => throw new NotSupportedException("Debian's libzmq has no CLIENT/SERVER (draft API)"),
        };
        _socket = NewBenchSocket(Context(), type);
        _routed = type == Router;
        Check(zmq_msg_init(_received), "zmq_msg_init");
        if (pattern == Pattern.PubSub && !bindSide)
        {
            Check(zmq_setsockopt(_socket, Subscribe, [], 0), "zmq_setsockopt(ZMQ_SUBSCRIBE)");
        }
        if (curve && bindSide)
        {
            SetInt(_socket, CurveServer, 1);
            SetKey(CurveSecretKey, Variant.CurveServerSecret);
        }
        else if (curve)
        {
            SetKey(CurveServerKey, Variant.CurveServerPublic);
            SetKey(CurvePublicKey, Variant.CurveClientPublic);
            SetKey(CurveSecretKey, Variant.CurveClientSecret);
        }
    }

    /// <summary>A CURVE key option, as 40 Z85 characters and a NUL (libzmq takes that form).</summary>
    private void SetKey(int option, string z85) => Check(zmq_setsockopt(_socket, option, Utf8z(z85), 41), $"zmq_setsockopt({option})");

    public static void Shutdown()
    {
        lock (ContextLock)
        {
            if (s_context != IntPtr.Zero)
            {
                _ = zmq_ctx_term(s_context);
                s_context = IntPtr.Zero;
            }
        }
    }

    /// <summary>The process's one context, made on first use; room for <paramref name="sockets"/>
    /// sockets when more than libzmq's default of 1023 are asked for before it is made.</summary>
    public static IntPtr Context(int sockets = 0)
    {
        lock (ContextLock)
        {
            if (s_context == IntPtr.Zero)
            {
                s_context = zmq_ctx_new();
                if (s_context != IntPtr.Zero && sockets > 1000)
                {
                    Check(zmq_ctx_set(s_context, MaxSockets, sockets + 16), "zmq_ctx_set(ZMQ_MAX_SOCKETS)");
                }
            }
            return s_context != IntPtr.Zero ? s_context : throw new InvalidOperationException($"zmq_ctx_new failed: {LastError()}");
        }
    }

    /// <summary>The socket's handle, for zmq_poll.</summary>
    public IntPtr Handle => _socket;

    public string Bind(string endpoint) => BindSocket(_socket, endpoint);

    public void Connect(string endpoint) => Check(zmq_connect(_socket, Utf8z(endpoint)), "zmq_connect " + endpoint);

    public void Send(int length)
    {
        Check(zmq_msg_init_size(_outgoing, (nuint)length), "zmq_msg_init_size");
        try
        {
            SendMsg(_outgoing);
        }
        catch (TimeoutException)
        {
            // A sent message is emptied by libzmq; one that failed still holds its buffer.
            _ = zmq_msg_close(_outgoing);
            throw;
        }
    }

    public int Receive()
    {
        if (_routed)
        {
            ReceiveFrame();
        }
        return ReceiveFrame();
    }

    private int ReceiveFrame()
    {
        while (zmq_msg_recv(_received, _socket, 0) < 0)
        {
            Retry("zmq_msg_recv");
        }
        return (int)zmq_msg_size(_received);
    }

    public int Echo()
    {
        int n = Receive();
        if (n > 0)
        {
            // A sent message is emptied (and the reused one is still initialised for the next receive).
            SendMsg(_received);
        }
        return n;
    }

    private void SendMsg(IntPtr msg)
    {
        while (zmq_msg_send(msg, _socket, 0) < 0)
        {
            Retry("zmq_msg_send");
        }
    }

    public void Dispose()
    {
        if (_socket != IntPtr.Zero)
        {
            _ = zmq_close(_socket);
            _socket = IntPtr.Zero;
            _ = zmq_msg_close(_received);
            Marshal.FreeHGlobal(_received);
            Marshal.FreeHGlobal(_outgoing);
        }
    }

    private static void Retry(string call)
    {
        int errno = zmq_errno();
        if (errno == EIntr)
        {
            return;
        }
        if (errno == EAgain)
        {
            throw new TimeoutException($"{call} did not complete within {BenchSocketDefaults.Stall.TotalSeconds} s");
        }
        throw new InvalidOperationException($"{call} failed: {LastError()}");
    }

}
