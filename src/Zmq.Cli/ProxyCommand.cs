using System.Runtime.InteropServices;

namespace Zmq.Cli;

/// <summary>zmq proxy: <see cref="Proxy"/> between two sockets made from the command line, with an
/// optional capture (PUB) and control (PAIR) socket bound at the given endpoints.</summary>
internal static class ProxyCommand
{
    public const string Usage = """
          zmq proxy --frontend TYPE (--frontend-bind EP | --frontend-connect EP)...
                    --backend TYPE (--backend-bind EP | --backend-connect EP)... [--capture EP] [--control EP]
              Carries every message the frontend receives to the backend, and back, as far as the two
              types allow: router + dealer is a request broker, xsub + xpub a forwarder, pull + push a
              streamer. --capture binds a PUB that publishes a copy of every message; --control binds a
              PAIR that takes PAUSE, RESUME, TERMINATE and STATISTICS (answered with eight 8-byte
              counters). Each bind prints 'bound <endpoint>' on stderr. Runs until TERMINATE, Ctrl+C or
              SIGTERM. Exits 0 then, 2 on bad usage.
        """;

    public static readonly string[] Options = ["frontend", "backend", "frontend-bind", "frontend-connect", "backend-bind", "backend-connect", "capture", "control"];
    public static readonly string[] Repeatable = ["frontend-bind", "frontend-connect", "backend-bind", "backend-connect"];

    public static int Run(Args args)
    {
        args.NoMorePositionals(0);
        var sockets = new List<ZmqSocket>();
        try
        {
            var frontend = Side(args, "frontend", sockets);
            var backend = Side(args, "backend", sockets);
            var capture = Extra<PublisherSocket>(args, "capture", sockets);
            var control = Extra<PairSocket>(args, "control", sockets);
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            try
            {
                Proxy.Run(frontend, backend, capture, control, stop.Token);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            return 0;
        }
        finally
        {
            foreach (var s in sockets)
            {
                s.Linger = TimeSpan.Zero;
                s.Dispose();
            }
        }
    }

    private static ZmqSocket Side(Args args, string side, List<ZmqSocket> sockets)
    {
        var binds = args.All($"{side}-bind");
        var connects = args.All($"{side}-connect");
        if (binds.Count + connects.Count == 0)
        {
            throw new UsageException($"'proxy' needs at least one --{side}-bind EP or --{side}-connect EP");
        }
        var socket = SocketFactory.Create(side, args.Require(side));
        sockets.Add(socket);
        if (socket is SubscriberSocket sub)
        {
            // A SUB frontend forwards everything; an XSUB would pass its subscribers' own.
            sub.Subscribe("");
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
        return socket;
    }

    private static T? Extra<T>(Args args, string option, List<ZmqSocket> sockets)
        where T : ZmqSocket, new()
    {
        if (args.Get(option) is not { } endpoint)
        {
            return null;
        }
        var socket = new T();
        sockets.Add(socket);
        socket.Bind(endpoint);
        Console.Error.WriteLine($"bound {socket.LastEndpoint}");
        return socket;
    }
}
