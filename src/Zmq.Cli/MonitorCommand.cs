using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Zmq.Cli;

/// <summary>
/// A socket of any type that only watches: every monitor event is printed as it happens, which shows
/// why a peer cannot connect (handshake failures, retries, socket-type mismatches) without writing code.
/// </summary>
internal static class MonitorCommand
{
    public const string Usage = """
          zmq monitor [EP]... --type client|server|pub|sub|radio|dish [--bind EP | --connect EP]... [--subscribe PREFIX]... [--join GROUP]... [--count N]
              Prints each event of the socket's connections as it happens, one line each on stdout: an
              ISO-8601 UTC time, then the event (Listening, Accepted, Connected, ConnectRetried,
              HandshakeSucceeded, HandshakeFailed, Disconnected, ...) with its endpoint, peer and reason.
              The monitor is attached before the first bind or connect, so no event is missed. Messages
              the socket receives are discarded, so a peer is never held up by it; --subscribe (sub
              only, repeatable, "" for everything) makes publishers send to it, as --join (dish only,
              repeatable) makes radios send a group to it. An EP given without --bind or --connect is
              connected to. Each bind prints
              'bound <endpoint>' on stderr. Exits 0 after N events, otherwise when stopped by Ctrl+C
              or SIGTERM; 1 if a bind fails (its BindFailed event is printed first) or stdout cannot
              be written.
        """;

    public static readonly string[] Options = ["type", "bind", "connect", "subscribe", "join", "count"];
    public static readonly string[] Repeatable = ["bind", "connect", "subscribe", "join"];

    private static readonly string[] MonitorTypes = ["client", "server", "pub", "sub", "radio", "dish"];

    // Long enough for the last events of a failed bind to be printed, short enough not to delay the exit.
    private static readonly TimeSpan DrainWait = TimeSpan.FromSeconds(2);

    public static int Run(Args args)
    {
        string type = SocketFactory.Check("type", args.Require("type"), MonitorTypes);
        var binds = args.All("bind");
        var connects = args.All("connect").Concat(args.Positional).ToList();
        if (binds.Count + connects.Count == 0)
        {
            throw new UsageException("'monitor' needs at least one --bind EP or --connect EP");
        }
        var subscriptions = args.All("subscribe");
        if (subscriptions.Count > 0 && type != "sub")
        {
            throw new UsageException("--subscribe needs --type sub");
        }
        var groups = args.All("join");
        if (groups.Count > 0 && type != "dish")
        {
            throw new UsageException("--join needs --type dish");
        }
        long count = args.GetLong("count", -1, 1);

        ZmqSocket socket = SocketFactory.Create("type", type, MonitorTypes);
        // It sends nothing of its own, so there is nothing to wait for at exit.
        socket.Linger = TimeSpan.Zero;
        var events = socket.Monitor();
        using var stop = new CancellationTokenSource();
        var printer = PrintAsync(events, count, stop.Token);
        void Interrupt() => stop.Cancel();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            Interrupt();
        };
        Console.CancelKeyPress += onCancel;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Interrupt();
        });
        try
        {
            try
            {
                foreach (string prefix in subscriptions)
                {
                    ((SubscriberSocket)socket).Subscribe(prefix);
                }
                foreach (string group in groups)
                {
                    ((DishSocket)socket).Join(group);
                }
                foreach (string ep in binds)
                {
                    socket.Bind(ep);
                    Console.Error.WriteLine($"bound {socket.LastEndpoint}");
                }
                foreach (string ep in connects)
                {
                    socket.Connect(ep);
                }
            }
            catch (ZmqException)
            {
                // Disposing completes the monitor, so the printer shows the BindFailed event and ends.
                socket.Dispose();
                printer.Wait(DrainWait);
                throw;
            }
            if (socket is IReceivingSocket receiver)
            {
                new Thread(() => Discard(receiver)) { Name = "monitor-discard", IsBackground = true }.Start();
            }
            return printer.GetAwaiter().GetResult();
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            socket.Dispose();
        }
    }

    /// <summary>Prints events until <paramref name="count"/> are printed (0), the socket is closed (0), stop (0) or stdout fails (1).</summary>
    private static async Task<int> PrintAsync(ChannelReader<SocketEvent> events, long count, CancellationToken stop)
    {
        long printed = 0;
        try
        {
            await foreach (var e in events.ReadAllAsync(stop).ConfigureAwait(false))
            {
                Console.Out.WriteLine(Format(e));
                Console.Out.Flush();
                if (++printed == count)
                {
                    break;
                }
            }
            return 0;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
        catch (IOException e)
        {
            // stdout went away (e.g. the reader of a pipe exited): nothing more can be shown.
            Console.Error.WriteLine($"zmq monitor: cannot write to stdout: {e.Message}");
            return 1;
        }
    }

    public static string Format(SocketEvent e) =>
        e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) + " " + e;

    private static void Discard(IReceivingSocket socket)
    {
        try
        {
            while (true)
            {
                // A pooled buffer per message, returned at once: discarding allocates nothing.
                using var _ = socket.ReceiveBuffer();
            }
        }
        catch (ObjectDisposedException)
        {
            // The socket closed because we are exiting.
        }
    }
}
