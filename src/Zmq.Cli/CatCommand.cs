using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace Zmq.Cli;

/// <summary>
/// stdin lines out as messages, received messages out as stdout lines: netcat for ØMQ sockets.
/// Receiving runs on its own thread, sending on another, so a quiet stdin never stalls output.
/// </summary>
internal static class CatCommand
{
    public const string Usage = """
          zmq cat --type TYPE (--bind EP | --connect EP)... [--count N] [--echo] [--subscribe PREFIX]...
                  [--group G] [--join G]... [--plain USER:PASSWORD | --plain-server USER:PASSWORD...]
                  [--curve-server SECRET | --curve-server-key PUBLIC [--curve-secret SECRET]]
              Sends each stdin line as a message and prints each received message as a line on stdout.
              TYPE: client server pair pub sub xpub xsub push pull req rep dealer router stream scatter
              gather channel peer radio dish dgram (any case). A RADIO sends every line to --group G; a
              DISH receives the groups it --join's (repeatable) and prints the bodies. A connecting PEER
              sends its lines to the peer it dialled. A DGRAM (bind udp://) reads and writes lines
              HOST:PORT TAB BODY. On types with multipart messages a TAB separates the frames of a line, and a
              received message prints its frames joined by TAB. A ROUTER or STREAM prints the peer's
              identity first, as 0x and lowercase hex, and a line it sends starts with such an
              identity. A STREAM talks to plain tcp peers: it sends a line's text and a newline, prints
              the bytes that came (less one trailing newline), and prints a connection's start and end
              as its identity with nothing after the TAB. A SERVER sends a
              line to the peer of the last message it received. A REQ sends a line, prints the reply,
              then sends the next, and exits once stdin has ended and the last reply is in; a REP
              answers each request with the next stdin line. --echo (server rep dealer pair router
              stream channel peer dgram) sends every received message back to its sender (not STREAM's notices). --subscribe (sub, xsub; repeatable;
              "" is everything, none is nothing). Each bind prints 'bound <endpoint>' on stderr (the
              real port for tcp://...:*). --plain makes the socket a PLAIN client with those credentials;
              --plain-server (repeatable) a PLAIN server that lets in only those users (tcp and ipc;
              PLAIN sends passwords in clear text). --curve-server SECRET makes it a CURVE server with
              that secret key (40 Z85 characters, from zmq keygen; any client key gets in);
              --curve-server-key PUBLIC a CURVE client of the server with that public key, with its own
              key pair made at start unless --curve-secret SECRET gives one.
              Exits 0 after N received messages (--count 0: once stdin is sent); a type that only sends
              (pub push scatter radio) exits once stdin has ended and what it queued is delivered (up to
              5 s); a type that only receives (sub pull gather dish) ignores stdin. Otherwise runs until Ctrl+C or SIGTERM; exits
              1 if stdout cannot be written, 2 on bad usage.
        """;

    public static readonly string[] Options = ["type", "bind", "connect", "count", "subscribe", "group", "join", "plain", "plain-server", "curve-server", "curve-server-key", "curve-secret"];
    public static readonly string[] Flags = ["echo"];
    public static readonly string[] Repeatable = ["bind", "connect", "subscribe", "join", "plain-server"];

    private static readonly string[] TypeNames = ["client", "server", "pair", "pub", "sub", "xpub", "xsub", "push", "pull", "req", "rep", "dealer", "router", "stream", "scatter", "gather", "channel", "peer", "radio", "dish", "dgram"];

    // Long enough to flush replies to a live peer on loopback or a LAN, short enough that an absent
    // peer does not keep the process around (the library default would wait up to 30 s).
    private static readonly TimeSpan ExitLinger = TimeSpan.FromSeconds(5);

    public static int Run(Args args)
    {
        args.NoMorePositionals(0);
        string type = args.Require("type").ToLowerInvariant();
        var binds = args.All("bind");
        var connects = args.All("connect");
        if (binds.Count + connects.Count == 0)
        {
            throw new UsageException("'cat' needs at least one --bind EP or --connect EP");
        }
        long count = args.GetLong("count", -1, 0);
        bool echo = args.Has("echo");
        var topics = args.All("subscribe");
        string? group = args.Get("group");
        var joins = args.All("join");
        string? plain = args.Get("plain");
        var plainServers = args.All("plain-server");
        var curve = (Server: args.Get("curve-server"), ServerKey: args.Get("curve-server-key"), Secret: args.Get("curve-secret"));

        ZmqSocket socket = SocketFactory.Create("type", type, TypeNames);
        try
        {
            if (echo && socket is not (ServerSocket or DealerSocket or PairSocket or RouterSocket or ResponseSocket or StreamSocket or ChannelSocket or PeerSocket or DatagramSocket))
            {
                throw new UsageException($"--echo needs a type that can send a message back to its sender (server, rep, dealer, pair, router, stream, channel, peer, dgram), not {type}");
            }
            if (topics.Count > 0 && socket is not (SubscriberSocket or XSubscriberSocket))
            {
                throw new UsageException($"--subscribe is for --type sub or xsub, not {type}");
            }
            if ((group != null) != socket is RadioSocket)
            {
                throw new UsageException(group != null ? $"--group is for --type radio, not {type}" : "--type radio needs --group G: the group of every message it sends");
            }
            if (group != null && Encoding.UTF8.GetByteCount(group) is 0 or > 255)
            {
                throw new UsageException($"--group must be 1 to 255 bytes of UTF-8, not {Encoding.UTF8.GetByteCount(group)}");
            }
            if (joins.Count > 0 && socket is not DishSocket)
            {
                throw new UsageException($"--join is for --type dish, not {type}");
            }
            foreach (string g in joins)
            {
                ((DishSocket)socket).Join(g);
            }
            Security(socket, plain, plainServers);
            Curve(socket, curve.Server, curve.ServerKey, curve.Secret, plain != null || plainServers.Count > 0);
            foreach (string topic in topics)
            {
                if (socket is SubscriberSocket sub)
                {
                    sub.Subscribe(topic);
                }
                else
                {
                    // XSUB subscribes with a message: 0x01, then the topic.
                    ((XSubscriberSocket)socket).Send([1, .. Encoding.UTF8.GetBytes(topic)]);
                }
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var session = new Session(socket, count, echo, group);
        try
        {
            foreach (string ep in binds)
            {
                socket.Bind(ep);
                Console.Error.WriteLine($"bound {socket.LastEndpoint}");
            }
            foreach (string ep in connects)
            {
                if (socket is PeerSocket peer)
                {
                    // A connecting PEER sends its lines to the peer it dialled (the last, if several).
                    session.SendTo(peer.ConnectPeer(ep));
                }
                else
                {
                    socket.Connect(ep);
                }
            }
            return session.Run();
        }
        finally
        {
            socket.Linger = session.Interrupted ? TimeSpan.Zero : ExitLinger;
            socket.Dispose();
        }
    }

    /// <summary>--plain: a PLAIN client; --plain-server: a PLAIN server that lets in only the users
    /// given (the process's one socket, so the default context's authenticator is its own).</summary>
    private static void Security(ZmqSocket socket, string? plain, IReadOnlyList<string> plainServers)
    {
        if (plain != null && plainServers.Count > 0)
        {
            throw new UsageException("give --plain (a PLAIN client) or --plain-server (a PLAIN server), not both");
        }
        if (plain != null)
        {
            var (user, password) = Credentials("--plain", plain);
            socket.PlainUserName = user;
            socket.PlainPassword = password;
        }
        if (plainServers.Count > 0)
        {
            var auth = new ZmqAuthenticator();
            foreach (string entry in plainServers)
            {
                var (user, password) = Credentials("--plain-server", entry);
                auth.AllowPlainUser(user, password);
            }
            ZmqContext.Default.Authenticator = auth;
            socket.PlainServer = true;
        }
    }

    /// <summary>--curve-server SECRET: a CURVE server; --curve-server-key PUBLIC (with --curve-secret
    /// SECRET, or a pair made now): a CURVE client.</summary>
    private static void Curve(ZmqSocket socket, string? serverSecret, string? serverKey, string? clientSecret, bool plain)
    {
        if (serverSecret == null && serverKey == null)
        {
            if (clientSecret != null)
            {
                throw new UsageException("--curve-secret goes with --curve-server-key: it is a CURVE client's own secret key");
            }
            return;
        }
        if (plain || (serverSecret != null && serverKey != null))
        {
            throw new UsageException("give one mechanism: --curve-server, --curve-server-key, --plain or --plain-server");
        }
        if (serverSecret != null)
        {
            socket.CurveCertificate = CurveKeyPair.FromSecretKey(Key("--curve-server", serverSecret));
            socket.CurveServer = true;
            return;
        }
        socket.CurveServerKey = Key("--curve-server-key", serverKey!);
        socket.CurveCertificate = clientSecret != null ? CurveKeyPair.FromSecretKey(Key("--curve-secret", clientSecret)) : CurveKeyPair.Generate();
    }

    private static byte[] Key(string option, string text)
    {
        try
        {
            return CurveKeyPair.ParseKey(text);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option}: {e.Message.Split(" (Parameter")[0]}");
        }
    }

    private static (string User, string Password) Credentials(string option, string value)
    {
        int colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            throw new UsageException($"{option} takes USER:PASSWORD, not '{value}'");
        }
        string user = value[..colon], password = value[(colon + 1)..];
        if (Encoding.UTF8.GetByteCount(user) > 255 || Encoding.UTF8.GetByteCount(password) > 255)
        {
            throw new UsageException($"{option}: a PLAIN user name and password are at most 255 bytes each");
        }
        return (user, password);
    }

    private sealed class Session(ZmqSocket socket, long count, bool echo, string? group)
    {
        private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Stream _stdout = Console.OpenStandardOutput();
        private byte[] _line = new byte[4096];
        private uint _lastPeer;
        private volatile bool _interrupted;

        public bool Interrupted => _interrupted;

        /// <summary>Where stdin lines go before any message names a sender (a PEER's dialled peer).</summary>
        public void SendTo(uint peer) => Volatile.Write(ref _lastPeer, peer);

        public int Run()
        {
            if (count == 0)
            {
                Console.Error.WriteLine("--count 0: exiting once stdin is sent");
            }
            Console.CancelKeyPress += OnCancel;
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerm);
            try
            {
                // Background threads: a read blocked on stdin or a send blocked on a missing peer
                // must not keep the process alive once we decide to exit.
                if (socket is RequestSocket or ResponseSocket)
                {
                    // Strict turns: one thread asks and waits, or waits and answers.
                    new Thread(TurnLoop) { Name = "cat-turns", IsBackground = true }.Start();
                    return _exit.Task.GetAwaiter().GetResult();
                }
                if (socket is IReceivingSocket)
                {
                    new Thread(ReceiveLoop) { Name = "cat-receive", IsBackground = true }.Start();
                }
                if (socket is ISendingSocket or IRoutingIdSendingSocket or IGroupSendingSocket)
                {
                    new Thread(SendLoop) { Name = "cat-send", IsBackground = true }.Start();
                }
                else if (count == 0)
                {
                    _exit.TrySetResult(0);
                }
                return _exit.Task.GetAwaiter().GetResult();
            }
            finally
            {
                Console.CancelKeyPress -= OnCancel;
            }
        }

        private void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            Interrupt();
        }

        private void OnTerm(PosixSignalContext context)
        {
            context.Cancel = true;
            Interrupt();
        }

        private void Interrupt()
        {
            _interrupted = true;
            _exit.TrySetResult(0);
        }

        private void ReceiveLoop()
        {
            try
            {
                long received = 0;
                using var frames = new MultipartMessage();
                // --count 0 ends with the sending of stdin (SendLoop), so receiving goes on until then.
                while (count <= 0 || received < count)
                {
                    if (socket is IMultipartReceivingSocket multipart)
                    {
                        multipart.ReceiveMultipart(frames);
                        WriteFrames(frames);
                        received++;
                        // STREAM's notices (an identity and an empty frame) are not data to echo:
                        // sent back, the empty frame would close the connection.
                        if (echo && !(socket is StreamSocket && frames.Count == 2 && frames[1].Length == 0))
                        {
                            ((IMultipartSendingSocket)socket).SendMultipart(frames);
                        }
                        continue;
                    }
                    var m = ((IReceivingSocket)socket).Receive();
                    Volatile.Write(ref _lastPeer, m.RoutingId);
                    WriteLine(m.Span);
                    received++;
                    if (echo)
                    {
                        Reply(m.RoutingId, m.Span);
                    }
                }
                _exit.TrySetResult(0);
            }
            catch (ObjectDisposedException)
            {
                // The socket closed because we are exiting.
            }
            catch (IOException e)
            {
                // stdout went away (e.g. the reader of a pipe exited): nothing more can be shown.
                Console.Error.WriteLine($"zmq cat: cannot write to stdout: {e.Message}");
                _exit.TrySetResult(1);
            }
        }

        /// <summary>REQ: each stdin line is a request, its reply printed before the next is sent; done
        /// when stdin ends. REP: each request printed, then answered with itself (--echo) or the next
        /// stdin line.</summary>
        private void TurnLoop()
        {
            try
            {
                using var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
                using var frames = new MultipartMessage();
                var multipart = (IMultipartReceivingSocket)socket;
                var sender = (IMultipartSendingSocket)socket;
                long received = 0;
                bool asks = socket is RequestSocket;
                while (count < 0 || received < count)
                {
                    if (asks)
                    {
                        if (stdin.ReadLine() is not { } line)
                        {
                            break;
                        }
                        Split(line, frames);
                        sender.SendMultipart(frames);
                    }
                    multipart.ReceiveMultipart(frames);
                    WriteFrames(frames);
                    received++;
                    if (asks)
                    {
                        continue;
                    }
                    if (!echo)
                    {
                        if (stdin.ReadLine() is not { } reply)
                        {
                            Console.Error.WriteLine("zmq cat: stdin has ended: no reply to send, so no more requests can be taken");
                            break;
                        }
                        Split(reply, frames);
                    }
                    sender.SendMultipart(frames);
                }
                _exit.TrySetResult(0);
            }
            catch (ObjectDisposedException)
            {
                // The socket closed because we are exiting.
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"zmq cat: cannot write to stdout: {e.Message}");
                _exit.TrySetResult(1);
            }
        }

        private static void Split(string line, MultipartMessage frames)
        {
            frames.Clear();
            foreach (string frame in line.Split('\t'))
            {
                frames.Add(frame);
            }
        }

        private void SendLoop()
        {
            try
            {
                using var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
                using var frames = new MultipartMessage();
                while (stdin.ReadLine() is { } line)
                {
                    switch (socket)
                    {
                        case IMultipartSendingSocket multipart:
                            frames.Clear();
                            string[] fields = line.Split('\t');
                            for (int i = 0; i < fields.Length; i++)
                            {
                                if (i == 0 && RoutesByIdentity)
                                {
                                    if (!TryParseIdentity(fields[0], out var identity))
                                    {
                                        Console.Error.WriteLine($"zmq cat: a {socket.SocketType} line starts with the peer's identity as 0x and hex, then a TAB; skipped: {line}");
                                        break;
                                    }
                                    frames.Add(identity);
                                    continue;
                                }
                                // A raw peer reads lines: each goes with its newline.
                                frames.Add(socket is StreamSocket && i == fields.Length - 1 ? fields[i] + "\n" : fields[i]);
                            }
                            if (frames.Count == fields.Length)
                            {
                                multipart.SendMultipart(frames);
                            }
                            break;
                        case RadioSocket radio:
                            radio.Send(group!, line);
                            break;
                        case ISendingSocket single:
                            // CLIENT, SCATTER, CHANNEL: one line, one single-frame message.
                            single.Send(line);
                            break;
                        default:
                            uint peer = Volatile.Read(ref _lastPeer);
                            if (peer == 0)
                            {
                                Console.Error.WriteLine($"zmq cat: no message received yet, so no peer to send to; skipped: {line}");
                                continue;
                            }
                            Reply(peer, Encoding.UTF8.GetBytes(line));
                            break;
                    }
                }
                // A type that only sends is done; the linger delivers what is queued.
                if (count == 0 || socket is not IReceivingSocket)
                {
                    _exit.TrySetResult(0);
                }
            }
            catch (ObjectDisposedException)
            {
                // The socket closed because we are exiting.
            }
        }

        private void Reply(uint peer, ReadOnlySpan<byte> data)
        {
            try
            {
                if (socket is ChannelSocket channel)
                {
                    channel.Send(data);
                }
                else
                {
                    ((IRoutingIdSendingSocket)socket).Send(peer, data);
                }
            }
            catch (HostUnreachableException)
            {
                Console.Error.WriteLine($"zmq cat: peer {peer} has disconnected; message not sent");
            }
        }

        private readonly ArrayBufferWriter<byte> _joined = new();

        /// <summary>A message's frames joined by TAB, as one line.</summary>
        private void WriteFrames(MultipartMessage frames)
        {
            _joined.ResetWrittenCount();
            for (int i = 0; i < frames.Count; i++)
            {
                if (i > 0)
                {
                    _joined.Write("\t"u8);
                }
                if (i == 0 && RoutesByIdentity)
                {
                    _joined.Write("0x"u8);
                    _joined.Write(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(frames[i].Span)));
                    continue;
                }
                var frame = frames[i].Span;
                if (socket is StreamSocket && frame.EndsWith("\n"u8))
                {
                    // The line's own end: WriteLine adds one.
                    frame = frame[..^(frame.EndsWith("\r\n"u8) ? 2 : 1)];
                }
                _joined.Write(frame);
            }
            WriteLine(_joined.WrittenSpan);
        }

        private bool RoutesByIdentity => socket is RouterSocket or StreamSocket;

        private static bool TryParseIdentity(string field, out byte[] identity)
        {
            identity = [];
            if (!field.StartsWith("0x", StringComparison.Ordinal) || field.Length < 4 || field.Length % 2 != 0)
            {
                return false;
            }
            try
            {
                identity = Convert.FromHexString(field.AsSpan(2));
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        /// <summary>One write per line, so lines from a fast peer cannot interleave and each is visible at once.</summary>
        private void WriteLine(ReadOnlySpan<byte> text)
        {
            if (_line.Length < text.Length + 1)
            {
                _line = new byte[Math.Max(text.Length + 1, _line.Length * 2)];
            }
            text.CopyTo(_line);
            _line[text.Length] = (byte)'\n';
            _stdout.Write(_line, 0, text.Length + 1);
            _stdout.Flush();
        }
    }
}
