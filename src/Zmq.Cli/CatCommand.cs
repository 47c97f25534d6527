using System.Runtime.InteropServices;
using System.Text;

namespace Zmq.Cli;

/// <summary>
/// stdin lines out as messages, received messages out as stdout lines: netcat for CLIENT/SERVER.
/// Receiving runs on its own thread, sending on another, so a quiet stdin never stalls output.
/// </summary>
internal static class CatCommand
{
    public const string Usage = """
          zmq cat --type client|server (--bind EP | --connect EP)... [--count N] [--echo]
              Sends each stdin line as a message and prints each received message as a line on stdout.
              A SERVER sends a line to the peer of the last message it received. --echo (SERVER only)
              replies every received message to its sender. Each bind prints 'bound <endpoint>' on
              stderr (the real port for tcp://...:*). End of stdin stops sending only.
              Exits 0 after N received messages (--count 0: once stdin is sent), otherwise when stopped
              by Ctrl+C or SIGTERM; 1 if stdout cannot be written.
        """;

    public static readonly string[] Options = ["type", "bind", "connect", "count"];
    public static readonly string[] Flags = ["echo"];
    public static readonly string[] Repeatable = ["bind", "connect"];

    // Long enough to flush replies to a live peer on loopback or a LAN, short enough that an absent
    // peer does not keep the process around (the library default would wait up to 30 s).
    private static readonly TimeSpan ExitLinger = TimeSpan.FromSeconds(5);

    public static int Run(Args args)
    {
        args.NoMorePositionals(0);
        bool isServer = args.Require("type") switch
        {
            "server" => true,
            "client" => false,
            var t => throw new UsageException($"--type must be client or server, got '{t}'"),
        };
        var binds = args.All("bind");
        var connects = args.All("connect");
        if (binds.Count + connects.Count == 0)
        {
            throw new UsageException("'cat' needs at least one --bind EP or --connect EP");
        }
        long count = args.GetLong("count", -1, 0);
        bool echo = args.Has("echo");
        if (echo && !isServer)
        {
            throw new UsageException("--echo needs --type server: a CLIENT cannot address a reply to one sender");
        }

        ZmqSocket socket = isServer ? new ServerSocket() : new ClientSocket();
        var session = new Session(socket, count, echo);
        try
        {
            foreach (string ep in binds)
            {
                socket.Bind(ep);
                Console.Error.WriteLine($"bound {socket.LastEndpoint}");
            }
            foreach (string ep in connects)
            {
                socket.Connect(ep);
            }
            return session.Run();
        }
        finally
        {
            socket.Linger = session.Interrupted ? TimeSpan.Zero : ExitLinger;
            socket.Dispose();
        }
    }

    private sealed class Session(ZmqSocket socket, long count, bool echo)
    {
        private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Stream _stdout = Console.OpenStandardOutput();
        private byte[] _line = new byte[4096];
        private uint _lastPeer;
        private volatile bool _interrupted;

        public bool Interrupted => _interrupted;

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
                new Thread(ReceiveLoop) { Name = "cat-receive", IsBackground = true }.Start();
                new Thread(SendLoop) { Name = "cat-send", IsBackground = true }.Start();
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
                while (count < 0 || received < count)
                {
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

        private void SendLoop()
        {
            try
            {
                using var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
                while (stdin.ReadLine() is { } line)
                {
                    if (socket is ClientSocket client)
                    {
                        client.Send(line);
                        continue;
                    }
                    uint peer = Volatile.Read(ref _lastPeer);
                    if (peer == 0)
                    {
                        Console.Error.WriteLine($"zmq cat: no message received yet, so no peer to send to; skipped: {line}");
                        continue;
                    }
                    Reply(peer, Encoding.UTF8.GetBytes(line));
                }
                if (count == 0)
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
                ((ServerSocket)socket).Send(peer, data);
            }
            catch (HostUnreachableException)
            {
                Console.Error.WriteLine($"zmq cat: peer {peer} has disconnected; message not sent");
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
