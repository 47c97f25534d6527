namespace Zmq.Cli;

internal static class Program
{
    public const string Usage = """
        zmq - ØMQ CLIENT/SERVER sockets from the command line (pure C#, wire-compatible with libzmq)

        Usage:
          zmq demo [--clients N] [--messages M] [--size BYTES] [--timeout SECONDS]
              One SERVER on tcp://127.0.0.1:* echoes to N CLIENTs (default 4), each sending M requests
              (default 100000) of SIZE bytes (default 64, min 8) from its own thread; every client checks
              it got back exactly its own messages, in order. Exits 0 if all verified, 1 otherwise.
              The run fails (instead of hanging) if nothing moves for --timeout seconds (default 10).

          zmq cat --type client|server (--bind EP | --connect EP)... [--count N] [--echo]
              Sends each stdin line as a message and prints each received message as a line on stdout.
              A SERVER sends a line to the peer of the last message it received. --echo (SERVER only)
              replies every received message to its sender. Exits 0 after N received messages
              (--count 0: once stdin is sent); otherwise runs until Ctrl+C. End of stdin stops sending
              only. Each bind prints 'bound <endpoint>' on stderr (the real port for tcp://...:*).

          zmq perf thr|lat [--type client-server] [--transport tcp|ipc|inproc] [--size BYTES] [--count N] [--procs 1|2] [--hwm N]
              thr: a CLIENT sends N messages (default 1000000) of SIZE bytes (default 64) as fast as it can
                   to a SERVER, which times first to last message; prints msg/s and MB/s.
              lat: the CLIENT sends N messages (default 20000), the SERVER echoes each; prints mean, p50
                   and p99 round trip in µs after a short warm-up.
              --procs 2 puts the SERVER in a child process (default 1: two threads in one process).
              --hwm sets the send and receive high-water marks of both sockets (default 1000).
              Both print bytes allocated per message. inproc runs in one process (--procs 1).

          zmq perf --compare [--quick]
              Runs the side-by-side benchmark (this library vs NetMQ vs libzmq, bench/Zmq.Perf) from the
              repository checkout this tool is in; --quick takes about a minute, the full run ~8.

          zmq --help
              This text.

        Endpoints look like tcp://127.0.0.1:5555, tcp://*:5555, tcp://127.0.0.1:* (any free port), ipc:///tmp/name, ipc://* or inproc://name.
        Exit codes: 0 success, 1 failure (e.g. a demo message did not verify), 2 bad usage.
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            Console.Out.WriteLine(Usage);
            return 0;
        }
        string command = args[0];
        var rest = args.AsSpan(1).ToArray();
        try
        {
            return command switch
            {
                "demo" => DemoCommand.Run(new Args("demo", rest, DemoCommand.Options)),
                "cat" => CatCommand.Run(new Args("cat", rest, CatCommand.Options, CatCommand.Flags, CatCommand.Repeatable)),
                "perf" => PerfCommand.Run(new Args("perf", rest, PerfCommand.Options, PerfCommand.Flags)),
                PerfPeer.Command => PerfPeer.Run(new Args(PerfPeer.Command, rest, PerfPeer.Options)),
                _ => throw new UsageException($"unknown command '{command}' (commands: demo, cat, perf)"),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"zmq: {e.Message}");
            Console.Error.WriteLine("Run 'zmq --help' for usage.");
            return 2;
        }
        catch (InvalidEndpointException e)
        {
            // Covers TransportNotSupportedException too: both are the user's endpoint string.
            Console.Error.WriteLine($"zmq: {e.Message}");
            Console.Error.WriteLine("Run 'zmq --help' for usage.");
            return 2;
        }
        catch (ZmqException e)
        {
            Console.Error.WriteLine($"zmq: {e.Message}");
            return 1;
        }
    }
}
