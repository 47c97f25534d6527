namespace Zmq.Cli;

internal static class Program
{
    private const string Title = "zmq - ØMQ sockets from the command line (pure C#, wire-compatible with libzmq)";

    private const string HelpUsage = """
          zmq help [COMMAND]    (also: zmq --help, zmq COMMAND --help)
              This text, or the part of it about one command.
        """;

    private const string Endpoints =
        "Endpoints look like tcp://127.0.0.1:5555, tcp://*:5555, tcp://127.0.0.1:* (any free port), ipc:///tmp/name, ipc://* or inproc://name.";

    private const string ExitCodes = """
        Exit codes:
          0    success (each command above says when)
          1    failure: a demo message did not verify, a perf run failed, a socket error such as an
               address in use, stdout closed
          2    bad usage: an unknown command or option, a missing or bad value, a bad endpoint
          130  stopped by Ctrl+C: demo, perf thr|lat and perf --compare (cat, monitor and proxy run
               until Ctrl+C or SIGTERM, so for them that is a normal end: 0)
        """;

    /// <summary>The commands, in the order the usage text lists them; perf-peer is internal and not listed.</summary>
    private static readonly CommandInfo[] Commands =
    [
        new("demo", DemoCommand.Usage, false, DemoCommand.Options, [], [], DemoCommand.Run),
        new("cat", CatCommand.Usage, true, CatCommand.Options, CatCommand.Flags, CatCommand.Repeatable, CatCommand.Run),
        new("perf", PerfCommand.Usage, false, PerfCommand.Options, PerfCommand.Flags, [], PerfCommand.Run),
        new("monitor", MonitorCommand.Usage, true, MonitorCommand.Options, [], MonitorCommand.Repeatable, MonitorCommand.Run),
        new("proxy", ProxyCommand.Usage, true, ProxyCommand.Options, [], ProxyCommand.Repeatable, ProxyCommand.Run),
        new("keygen", KeygenCommand.Usage, false, [], [], [], KeygenCommand.Run),
    ];

    private static readonly CommandInfo Peer = new(PerfPeer.Command, "", true, PerfPeer.Options, [], [], PerfPeer.Run);

    public static string Usage =>
        $"{Title}\n\nUsage:\n{string.Join("\n\n", Commands.Select(c => c.Usage).Append(HelpUsage))}\n\n{Endpoints}\n\n{ExitCodes}";

    /// <summary>One command's section of <see cref="Usage"/>, with the notes that apply to it.</summary>
    public static string CommandUsage(string command)
    {
        var info = Find(command) ?? throw new UsageException($"unknown command '{command}' ({CommandList})");
        return $"Usage:\n{info.Usage}\n\n{(info.TakesEndpoints ? Endpoints + "\n\n" : "")}{ExitCodes}";
    }

    private static string CommandList => "commands: " + string.Join(", ", Commands.Select(c => c.Name));

    public static int Main(string[] args)
    {
        string? command = null;
        try
        {
            if (args.Length == 0 || args[0] is "--help" or "-h")
            {
                Console.Out.WriteLine(Usage);
                return 0;
            }
            if (args[0] == "help")
            {
                if (args.Length > 2)
                {
                    throw new UsageException($"'help' takes one command name, got '{string.Join(' ', args[1..])}'");
                }
                Console.Out.WriteLine(args.Length == 1 ? Usage : CommandUsage(args[1]));
                return 0;
            }
            var info = (args[0] == Peer.Name ? Peer : Find(args[0])) ?? throw new UsageException($"unknown command '{args[0]}' ({CommandList})");
            command = info.Name;
            var parsed = new Args(info.Name, args.AsSpan(1).ToArray(), info.Options, info.Flags, info.Repeatable);
            if (parsed.Help)
            {
                Console.Out.WriteLine(CommandUsage(info.Name));
                return 0;
            }
            return info.Run(parsed);
        }
        catch (UsageException e)
        {
            return BadUsage(e.Message, command);
        }
        catch (InvalidEndpointException e)
        {
            // Covers TransportNotSupportedException too: both are the user's endpoint string.
            return BadUsage(e.Message, command);
        }
        catch (ZmqException e)
        {
            Console.Error.WriteLine($"zmq: {e.Message}");
            return 1;
        }
    }

    private static int BadUsage(string message, string? command)
    {
        Console.Error.WriteLine($"zmq: {message}");
        Console.Error.WriteLine(command is null or PerfPeer.Command ? "Run 'zmq --help' for usage." : $"Run 'zmq {command} --help' for usage.");
        return 2;
    }

    private static CommandInfo? Find(string name) => Array.Find(Commands, c => c.Name == name);

    private sealed record CommandInfo(string Name, string Usage, bool TakesEndpoints, string[] Options, string[] Flags, string[] Repeatable, Func<Args, int> Run);
}
