namespace Zmq.Cli;

/// <summary>A new CURVE key pair, as libzmq's curve_keygen prints one.</summary>
internal static class KeygenCommand
{
    public const string Usage = """
          zmq keygen
              Prints a new CURVE key pair, a different one each run, as two lines of 40 Z85
              characters: 'public: <key>' then 'secret: <key>'. Give the secret key to the server
              (zmq cat --curve-server SECRET) and the public key to its clients (--curve-server-key).
        """;

    public static int Run(Args args)
    {
        args.NoMorePositionals(0);
        var pair = CurveKeyPair.Generate();
        Console.Out.WriteLine($"public: {pair.PublicKeyZ85}");
        Console.Out.WriteLine($"secret: {pair.SecretKeyZ85}");
        return 0;
    }
}
