using System.Buffers.Binary;

namespace Zmq.Tests.Sockets;

/// <summary>REQ and REP (RFC 28, libzmq test_spec_req, test_spec_rep, test_req_relaxed,
/// test_req_correlate, test_invalid_rep) over every transport: strict turns with errors that say
/// which call was expected, the delimiter added and removed, replies routed back through ROUTER and
/// DEALER hops, malformed messages dropped, and the way out of a lost reply.</summary>
public abstract class ReqRepTests : TransportTestBase
{
    [Fact]
    public async Task Req_AndRep_TakeTurns_WithMultipartBodies()
    {
        await using var rep = BoundRep();
        await using var req = NewReq();
        req.Connect(rep.LastEndpoint!);

        for (int i = 0; i < 3; i++)
        {
            using (var request = new MultipartMessage($"request {i}", "second"))
            {
                req.SendMultipart(request);
            }
            using (var got = rep.ReceiveMultipart())
            {
                Assert.Equal([$"request {i}", "second"], got.Select(f => f.ToString()));
            }
            rep.Send($"reply {i}");
            Assert.Equal($"reply {i}", req.ReceiveString());
        }
    }

    [Fact]
    public async Task Req_SendsRoundRobin_AndTakesEachReplyFromThePeerItAsked()
    {
        await using var rep1 = BoundRep();
        await using var rep2 = BoundRep();
        await using var req = NewReq();
        req.Connect(rep1.LastEndpoint!);
        req.Connect(rep2.LastEndpoint!);

        req.Send("first");
        Assert.Equal("first", rep1.ReceiveString());
        rep1.Send("from 1");
        Assert.Equal("from 1", req.ReceiveString());

        req.Send("second");
        Assert.Equal("second", rep2.ReceiveString());
        rep2.Send("from 2");
        Assert.Equal("from 2", req.ReceiveString());
    }

    [Fact]
    public async Task Req_OutOfTurn_ThrowsAndSaysWhichCallWasExpected()
    {
        await using var rep = BoundRep();
        await using var req = NewReq();
        req.Connect(rep.LastEndpoint!);

        var early = Assert.Throws<InvalidOperationException>(() => req.Receive());
        Assert.Contains("Send a request first", early.Message, StringComparison.Ordinal);
        req.Send("one");
        var twice = Assert.Throws<InvalidOperationException>(() => req.Send("two"));
        Assert.Contains("must Receive its reply", twice.Message, StringComparison.Ordinal);
        using var whole = new MultipartMessage("two");
        Assert.Throws<InvalidOperationException>(() => req.SendMultipart(whole));
    }

    [Fact]
    public async Task Rep_OutOfTurn_ThrowsAndSaysWhichCallWasExpected()
    {
        await using var rep = BoundRep();
        await using var req = NewReq();
        req.Connect(rep.LastEndpoint!);

        var early = Assert.Throws<InvalidOperationException>(() => rep.Send("unasked"));
        Assert.Contains("Receive a request first", early.Message, StringComparison.Ordinal);
        req.Send("q");
        Assert.Equal("q", rep.ReceiveString());
        var twice = Assert.Throws<InvalidOperationException>(() => rep.Receive());
        Assert.Contains("must Send its reply", twice.Message, StringComparison.Ordinal);
        rep.Send("a");
        Assert.Equal("a", req.ReceiveString());
    }

    [Fact]
    public async Task Rep_RepliesThroughRouterAndDealerHops_ToTheRightRequester()
    {
        // REQs → ROUTER (frontend) | DEALER (backend) → REP, with the broker's loop run here.
        await using var frontend = new RouterSocket { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero };
        frontend.Bind(AnyEndpoint);
        await using var backend = new DealerSocket { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero };
        backend.Bind(AnyEndpoint);
        await using var rep = NewRep();
        rep.Connect(backend.LastEndpoint!);
        await using var a = NewReq();
        await using var b = NewReq();
        a.Connect(frontend.LastEndpoint!);
        b.Connect(frontend.LastEndpoint!);

        a.Send("from a");
        b.Send("from b");
        for (int i = 0; i < 2; i++)
        {
            using var request = frontend.ReceiveMultipart();
            Assert.Equal(3, request.Count);
            backend.SendMultipart(request);
            string body = rep.ReceiveString();
            rep.Send($"reply to {body}");
            using var reply = backend.ReceiveMultipart();
            frontend.SendMultipart(reply);
        }

        Assert.Equal("reply to from a", a.ReceiveString());
        Assert.Equal("reply to from b", b.ReceiveString());
    }

    [Fact]
    public async Task Rep_DropsAMessageWithoutADelimiter_AndAnswersTheNextRequest()
    {
        await using var rep = BoundRep();
        await using var dealer = new DealerSocket { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero };
        dealer.Connect(rep.LastEndpoint!);

        dealer.Send("no delimiter", more: true);
        dealer.Send("at all");
        using (var request = new MultipartMessage("", "proper"))
        {
            dealer.SendMultipart(request);
        }
        Assert.Equal("proper", rep.ReceiveString());
        rep.Send("answer");
        using var reply = dealer.ReceiveMultipart();
        Assert.Equal(["", "answer"], reply.Select(f => f.ToString()));
    }

    [Fact]
    public async Task Req_DropsAReplyWithoutItsDelimiter()
    {
        await using var router = new RouterSocket { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero };
        router.Bind(AnyEndpoint);
        await using var req = NewReq();
        req.Connect(router.LastEndpoint!);

        req.Send("q");
        using var request = router.ReceiveMultipart();
        Assert.Equal(["", "q"], request.Skip(1).Select(f => f.ToString()));
        using (var bad = new MultipartMessage())
        {
            bad.Add(request[0].Span);
            bad.Add("no delimiter");
            router.SendMultipart(bad);
        }
        using (var good = new MultipartMessage())
        {
            good.Add(request[0].Span);
            good.Add("");
            good.Add("good");
            router.SendMultipart(good);
        }
        Assert.Equal("good", req.ReceiveString());
    }

    [Fact]
    public async Task ReqRelaxedAndCorrelate_SendAgainAfterALostReply_AndDropTheLateOne()
    {
        // The service is a ROUTER, so the test sees the envelope: identity, request id, delimiter, body.
        await using var service = new RouterSocket { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero };
        service.Bind(AnyEndpoint);
        await using var req = new RequestSocket { ReqRelaxed = true, ReqCorrelate = true, SendTimeout = Timeout, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        req.Connect(service.LastEndpoint!);

        req.Send("first");
        using var first = service.ReceiveMultipart();
        Assert.Equal(4, first[1].Length);
        Assert.Equal(["", "first"], first.Skip(2).Select(f => f.ToString()));
        // Its reply is lost; relaxed, the REQ asks again.
        req.Send("second");
        using var second = service.ReceiveMultipart();
        Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(first[1].Span) + 1, BinaryPrimitives.ReadUInt32BigEndian(second[1].Span));

        foreach (var (request, body) in new[] { (first, "late reply to the first"), (second, "reply to the second") })
        {
            using var reply = new MultipartMessage();
            reply.Add(request[0].Span);
            reply.Add(request[1].Span);
            reply.Add("");
            reply.Add(body);
            service.SendMultipart(reply);
        }
        // The late reply came first, and was dropped.
        Assert.Equal("reply to the second", req.ReceiveString());
    }
}

public sealed class ReqRepOverTcp : ReqRepTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class ReqRepOverIpc : ReqRepTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class ReqRepOverInproc : ReqRepTests
{
    protected override string AnyEndpoint => $"inproc://req-rep-{Guid.NewGuid():N}";
}
