using System.Net.Sockets;
using System.Text;

namespace Zmq.Transport;

/// <summary>ipc:// over Unix domain sockets: <c>ipc:///path</c>, <c>ipc://*</c> (a fresh temporary
/// path) and, on Linux, abstract names <c>ipc://@name</c>.</summary>
internal sealed class IpcTransport : IStreamTransport
{
    /// <summary>sun_path holds 108 bytes on Linux, one of them the terminating NUL.</summary>
    public const int MaxPathBytes = 107;

    public static readonly IpcTransport Instance = new();

    private IpcTransport()
    {
    }

    public string Scheme => "ipc";

    public StreamListener Listen(Endpoint ep, in TransportSettings settings)
    {
        string path = ep.Address == "*" ? Path.Combine(Path.GetTempPath(), $"zmq-{Guid.NewGuid():N}.sock") : ep.Address;
        var unix = ToEndPoint(ep, path);
        bool isFile = !path.StartsWith('@');
        if (isFile && File.Exists(path))
        {
            // As libzmq: a later bind takes the path over (a crashed owner leaves a stale file behind).
            File.Delete(path);
        }
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            settings.Options.Apply(socket);
            socket.Bind(unix);
            socket.Listen(settings.Backlog);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? new AddressInUseException($"cannot bind {ep.Original}: the name is already in use", e)
                : new ZmqException(ZmqError.AddressNotAvailable, $"cannot bind {ep.Original}: {e.Message}", e);
        }
        return new StreamListener(socket, "ipc://" + path, isFile ? () => TryDelete(path) : static () => { });
    }

    public async Task<Socket> ConnectAsync(Endpoint ep, TransportSettings settings, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            settings.Options.Apply(socket);
            await socket.ConnectAsync(ToEndPoint(ep, ep.Address), ct).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void ValidateConnect(Endpoint ep)
    {
        if (ep.Address == "*")
        {
            throw new InvalidEndpointException($"'{ep.Original}': ipc://* is only valid for bind; connect to the path LastEndpoint reports");
        }
        ToEndPoint(ep, ep.Address);
    }

    /// <summary>Unlike tcp, an accepted Unix domain socket does not inherit the listener's options.</summary>
    public void PrepareAccepted(Socket socket, StreamOptions options) => options.Apply(socket);

    private static UnixDomainSocketEndPoint ToEndPoint(Endpoint ep, string path)
    {
        int bytes = Encoding.UTF8.GetByteCount(path);
        if (bytes > MaxPathBytes)
        {
            throw new InvalidEndpointException($"'{ep.Original}': the ipc path is {bytes} bytes; the OS allows at most {MaxPathBytes}. Use a shorter path (or ipc://* for a temporary one)");
        }
        // A leading '@' names the Linux abstract namespace, which the OS spells with a NUL.
        return new UnixDomainSocketEndPoint(path.StartsWith('@') ? "\0" + path[1..] : path);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
