using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Zmq.Protocol;

namespace Zmq.Security;

/// <summary>
/// Asks an application's ZAP handler (ZeroMQ RFC 27), bound to <c>inproc://zeromq.zap.01</c> in
/// the context, whether a peer may in, as libzmq's servers ask theirs: one DEALER per context sends
/// each request (delimiter, version 1.0, request id, domain, address, identity, mechanism,
/// credentials) and matches each reply to its request by id. A reply of another version, with an
/// unknown id or of the wrong shape is a failure of the handler, never an acceptance.
/// </summary>
internal sealed class ZapClient(ZmqContext context) : IDisposable
{
    public const string Endpoint = "inproc://zeromq.zap.01";

    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ZapReply>> _pending = new(StringComparer.Ordinal);
    private DealerSocket? _dealer;
    private long _nextId;

    /// <summary>Whether a handler is bound now.</summary>
    public bool HandlerBound => context.Inproc.IsBound(Endpoint["inproc://".Length..]);

    /// <summary>The handler's answer, or a failure (no answer within <paramref name="timeout"/>,
    /// a reply that breaks RFC 27).</summary>
    public async Task<ZapReply> AskAsync(string domain, string address, byte[]? identity, string mechanism, byte[][] credentials, TimeSpan timeout)
    {
        string id = Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
        var answer = new TaskCompletionSource<ZapReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        try
        {
            using var request = new MultipartMessage();
            request.Add([]);
            request.Add("1.0"u8);
            request.Add(Encoding.ASCII.GetBytes(id));
            request.Add(Encoding.UTF8.GetBytes(domain));
            request.Add(Encoding.ASCII.GetBytes(address));
            request.Add(identity ?? []);
            request.Add(Encoding.ASCII.GetBytes(mechanism));
            foreach (var c in credentials)
            {
                request.Add(c);
            }
            lock (_gate)
            {
                Dealer().SendMultipart(request);
            }
            return await answer.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return ZapReply.Silent;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private DealerSocket Dealer()
    {
        if (_dealer == null)
        {
            _dealer = new DealerSocket(context) { Linger = TimeSpan.Zero, SendTimeout = TimeSpan.FromSeconds(1) };
            _dealer.Connect(Endpoint);
            _ = Task.Run(ReadRepliesAsync);
        }
        return _dealer;
    }

    private async Task ReadRepliesAsync()
    {
        var dealer = _dealer!;
        try
        {
            using var reply = new MultipartMessage();
            while (true)
            {
                reply.Clear();
                await dealer.ReceiveMultipartAsync(reply).ConfigureAwait(false);
                var frames = reply.Select(f => f.Span.ToArray()).ToList();
                // "", version, request id, status code, status text, user id, metadata.
                if (frames.Count < 3)
                {
                    continue;
                }
                string id = Encoding.ASCII.GetString(frames[2]);
                if (_pending.TryGetValue(id, out var answer))
                {
                    answer.TrySetResult(ZapReply.Parse(frames));
                }
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    public void Dispose() => _dealer?.Dispose();
}

/// <summary>A ZAP handler's answer: <see cref="Status"/> "200" lets the peer in; anything else
/// refuses it, with the reason for the log.</summary>
internal sealed record ZapReply(string Status, string Reason, string UserId)
{
    /// <summary>The metadata of a yes (RFC 27's last frame, in ZMTP's property form).</summary>
    public IReadOnlyDictionary<string, byte[]>? Metadata { get; init; }

    public static readonly ZapReply Silent = new("", "the ZAP handler did not answer in time", "");

    public bool Accepted => Status == "200";

    public static ZapReply Parse(List<byte[]> frames)
    {
        if (frames.Count != 7 || frames[0].Length != 0)
        {
            return new("500", $"the ZAP handler's reply has {frames.Count} frames, not the delimiter and six", "");
        }
        string version = Encoding.ASCII.GetString(frames[1]);
        if (version != "1.0")
        {
            return new("500", $"the ZAP handler answered with version '{version}', not 1.0", "");
        }
        string status = Encoding.ASCII.GetString(frames[3]);
        string text = Encoding.UTF8.GetString(frames[4]);
        return status switch
        {
            "200" => Commands.TryParseProperties(frames[6], out string? error) is { } metadata
                ? new(status, text, Encoding.UTF8.GetString(frames[5])) { Metadata = metadata }
                : new("500", $"the ZAP handler's metadata is malformed: {error}", ""),
            "300" or "400" or "500" => new(status, $"the ZAP handler answered {status} '{text}'", ""),
            _ => new("500", $"the ZAP handler answered the unknown status '{status}'", ""),
        };
    }
}
