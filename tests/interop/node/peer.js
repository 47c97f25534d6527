// A real libzmq peer (via zeromq.js) for the C# interop tests.
//
// Usage: node peer.js '<json config>'
//   {"mode":"server", "bind"|"connect":"tcp://...", "count":N, "timeoutMs":T}
//       Echoes every message back to its sender. After N messages (if given) prints DONE with a
//       digest of what arrived, so the test can check the C# side's sends without trusting the echo.
//   {"mode":"client", "bind"|"connect":"tcp://...", "count":N, "sizes":[...], "salt":S, "pauseMs":P, "timeoutMs":T}
//       Sends N messages (sizes cycled) made by payload(), P ms apart if given, receives N replies,
//       checks each is byte-for-byte the message with the same index, prints DONE with the
//       connection events seen and exits (0 = all verified).
//   {"mode":"sink", "bind"|"connect":"...", "until":N, "stallAfter":S, "timeoutMs":T}
//       A SERVER that only records the index (bytes 4-7 of payload()) of each message. Prints DONE
//       with every index in arrival order when the message with index N arrives. With S, it stops
//       receiving after S messages and prints STALLED with those indices instead: libzmq then fills
//       its queue and stops reading, so the sender's data backs up in flight.
//   {"mode":"interactive", "socket":"server"|"client"|"dealer"|"router"|"pub"|"sub"|"xpub"|"radio"|"dish"|"push"|"pull"|"pair"|"req"|"rep"|"stream", "bind"|"connect":"...", "timeoutMs":T}
//       Driven line by line from the test. Prints MSG <routingId> <hex>[,<hex>...] per received
//       message (routing id 0 where the type has none; one hex field per frame; an XPUB receives
//       each new subscription as 01 then the topic, a cancel as 00 then the topic) and EVENT <name> per
//       libzmq monitor event. Reads stdin lines SEND <routingId> <hex>[,<hex>...] (one hex field per
//       frame), SUBSCRIBE <hex> and UNSUBSCRIBE <hex> (a SUB's topic; empty for all), CLOSE,
//       PAUSE and RESUME (a receiving socket stops and starts calling receive: libzmq then fills its
//       queue to the receive high-water mark and stops reading the connection; a receive already
//       waiting at PAUSE still takes one message), and BLAST <salt> <from> <count> <size> (sends
//       payload(salt, i, size) for i = from .. from+count-1 as fast as libzmq takes them, then
//       prints SENT <from> <count>; a PUB drops what does not fit at its send high-water mark).
//       RADIO and DISH: SENDGROUP <group-hex> <body-hex> (a RADIO sends to the group), JOIN and
//       LEAVE <group-hex> (a DISH; print JOINED / LEFT); a DISH prints GROUPMSG <group-hex> <body-hex>.
//   Any mode: "heartbeatIntervalMs" and "heartbeatTimeoutMs" turn on libzmq's ZMTP PING;
//   "receiveBufferSize", "receiveHighWaterMark", "sendBufferSize" and "sendHighWaterMark" set those
//   options; "helloMsg", "disconnectMsg"
//   and "hiccupMsg" (text) set the draft options ZMQ_HELLO_MSG / ZMQ_DISCONNECT_MSG / ZMQ_HICCUP_MSG.
//   PLAIN: "plainUsername" and "plainPassword" make the socket a PLAIN client; "plainServer": true
//   a PLAIN server, with a ZAP handler (RFC 27, on inproc://zeromq.zap.01, which libzmq's PLAIN
//   server needs) that lets in the users of "plainUsers" ({"user": "password"}) and prints
//   ZAP <user> <status> for each request. CURVE: "curveServer": true with "curveSecretKey" and
//   "curvePublicKey" (Z85) make a CURVE server (libzmq lets every client key in without a ZAP
//   handler); "curveServerKey" (Z85) a CURVE client, with its own "curvePublicKey" and
//   "curveSecretKey" if given, else a pair made here.
//
// stdout protocol, one line each:  READY <endpoint>   then   DONE <json>
// Any failure goes to stderr and exits non-zero; the test shows that stderr.
"use strict"

// zeromq/draft warns on load that the draft API is unstable; the test treats stderr as diagnostics.
process.removeAllListeners("warning")
const { Server, Client, Radio, Dish, Scatter, Gather, Datagram } = require("zeromq/draft")
const { Dealer, Router, Publisher, Subscriber, XPublisher, Push, Pull, Pair, Request, Reply, Stream } = require("zeromq")
const crypto = require("crypto")

const config = JSON.parse(process.argv[2] || "{}")
const timeoutMs = config.timeoutMs || 20000

// A stuck peer must fail its test rather than hang it: exit on our own deadline, and when the test
// process goes away (it holds our stdin open; run by hand as `sleep 60 | node peer.js ...`).
setTimeout(() => fail(`timed out after ${timeoutMs} ms`, 3), timeoutMs).unref()
process.stdin.on("end", () => fail("stdin closed: the test process is gone", 4))
process.stdin.resume()

function fail(message, code = 2) {
  process.stderr.write(`peer.js (${config.mode}): ${message}\n`)
  process.exit(code)
}

// Must match Payload.Make in the C# tests. The header (salt, index) makes a message from another
// client or from another position in the stream fail the comparison, not just a corrupted byte.
function payload(salt, index, size) {
  const b = Buffer.alloc(size)
  for (let k = 0; k < size; k++) b[k] = (k * 13 + index * 7 + salt) & 0xff
  if (size >= 8) {
    b.writeUInt32BE(salt >>> 0, 0)
    b.writeUInt32BE(index >>> 0, 4)
  }
  return b
}

// Must match Payload.Digest in the C# tests: SHA-256 over (u32 BE length, bytes) per message,
// so order, boundaries and content all count.
function digester() {
  const hash = crypto.createHash("sha256")
  const len = Buffer.alloc(4)
  return {
    add(msg) {
      len.writeUInt32BE(msg.length, 0)
      hash.update(len)
      hash.update(msg)
    },
    hex: () => hash.digest("hex"),
  }
}

function socketOptions() {
  const options = { linger: 0 }
  if (config.heartbeatIntervalMs) {
    options.heartbeatInterval = config.heartbeatIntervalMs
    options.heartbeatTimeout = config.heartbeatTimeoutMs || 3 * config.heartbeatIntervalMs
  }
  if (config.receiveBufferSize) options.receiveBufferSize = config.receiveBufferSize
  if (config.receiveHighWaterMark) options.receiveHighWaterMark = config.receiveHighWaterMark
  if (config.sendBufferSize) options.sendBufferSize = config.sendBufferSize
  if (config.sendHighWaterMark) options.sendHighWaterMark = config.sendHighWaterMark
  if (config.plainUsername !== undefined) options.plainUsername = config.plainUsername
  if (config.plainPassword !== undefined) options.plainPassword = config.plainPassword
  if (config.plainServer) options.plainServer = true
  if (config.curveServer) options.curveServer = true
  if (config.curveServerKey) {
    options.curveServerKey = config.curveServerKey
    if (!config.curveSecretKey) {
      const { publicKey, secretKey } = require("zeromq").curveKeyPair()
      options.curvePublicKey = publicKey
      options.curveSecretKey = secretKey
    }
  }
  if (config.curveSecretKey) options.curveSecretKey = config.curveSecretKey
  if (config.curvePublicKey) options.curvePublicKey = config.curvePublicKey
  return options
}

// A ZAP handler for a PLAIN server: request frames are the envelope, "", version, request id,
// domain, address, identity, mechanism, user name, password; the reply is the envelope, "",
// version, request id, status, status text, user id, metadata.
async function startZapHandler() {
  const zap = new Router({ linger: 0 })
  await zap.bind("inproc://zeromq.zap.01")
  ;(async () => {
    for await (const frames of zap) {
      const [id, empty, version, requestId, , , , mechanism, user, password] = frames
      const users = config.plainUsers || {}
      const name = user ? user.toString() : ""
      const ok = mechanism.toString() === "PLAIN" && Object.prototype.hasOwnProperty.call(users, name) && users[name] === (password ? password.toString() : "")
      const status = ok ? "200" : "400"
      console.log(`ZAP ${name} ${status}`)
      await zap.send([id, empty, version, requestId, status, ok ? "OK" : "denied", ok ? name : "", ""])
    }
  })().catch(e => fail(`ZAP handler: ${e.message}`))
}

// zeromq.js has no named setters for these draft options, but its generic setter passes them to
// zmq_setsockopt (libzmq 4.3.5 built with the draft API), so they are set by number.
const draftMessageOptions = { helloMsg: 110, disconnectMsg: 111, hiccupMsg: 114 }

function newSocket(Type) {
  const socket = new Type(socketOptions())
  for (const [name, id] of Object.entries(draftMessageOptions)) {
    if (config[name] !== undefined) socket.setStringOption(id, Buffer.from(config[name]))
  }
  return socket
}

// Connection events, so a test can tell "every reply arrived" from "every reply arrived over a
// connection that libzmq dropped and remade in between".
function countEvents(socket) {
  const counts = { handshakes: 0, disconnects: 0 }
  socket.events.on("handshake", () => counts.handshakes++)
  socket.events.on("disconnect", () => counts.disconnects++)
  return counts
}

async function attach(socket) {
  if (config.bind) {
    await socket.bind(config.bind)
    return socket.lastEndpoint
  }
  socket.connect(config.connect)
  return config.connect
}

async function runServer() {
  // libzmq's SERVER does not wait when a peer's pipe is at the high-water mark: send fails with
  // EAGAIN ("Operation was not possible or timed out"). An echo that outruns a slower reader would
  // die, so the replies get an unlimited queue; the reader's TCP window still bounds the flow.
  const server = newSocket(Server)
  server.sendHighWaterMark = 0
  const endpoint = await attach(server)
  console.log(`READY ${endpoint}`)
  const digest = digester()
  let received = 0
  let bytes = 0
  for (;;) {
    const [msg, { routingId }] = await server.receive()
    // Only the first `count` messages are digested; later ones are still echoed.
    if (received < config.count) {
      bytes += msg.length
      digest.add(msg)
    }
    received++
    await server.send(msg, { routingId })
    if (received === config.count) {
      console.log(`DONE ${JSON.stringify({ received, bytes, sha256: digest.hex() })}`)
    }
  }
}

async function runClient() {
  const client = newSocket(Client)
  const events = countEvents(client)
  const endpoint = await attach(client)
  console.log(`READY ${endpoint}`)
  const count = config.count
  const sizes = config.sizes || [16]
  const salt = config.salt || 0
  const message = i => payload(salt, i, sizes[i % sizes.length])

  // Sending and receiving run together: with both sides at their high-water marks, a client that
  // sent everything before reading would deadlock against an echo server.
  const sending = (async () => {
    for (let i = 0; i < count; i++) {
      if (i > 0 && config.pauseMs) await new Promise(resolve => setTimeout(resolve, config.pauseMs))
      await client.send(message(i))
    }
  })()
  let received = 0
  let mismatches = 0
  let firstMismatch = null
  for (; received < count; received++) {
    const [reply] = await client.receive()
    if (!reply.equals(message(received))) {
      mismatches++
      if (firstMismatch === null) {
        firstMismatch = `reply ${received}: got ${reply.length} bytes starting ${reply.subarray(0, 8).toString("hex")}`
      }
    }
  }
  await sending
  const ok = mismatches === 0
  console.log(`DONE ${JSON.stringify({ sent: count, received, mismatches, firstMismatch, ok, ...events })}`)
  client.close()
  process.exit(ok ? 0 : 1)
}

async function runSink() {
  const server = newSocket(Server)
  const endpoint = await attach(server)
  console.log(`READY ${endpoint}`)
  const indices = []
  for (;;) {
    const [msg] = await server.receive()
    const index = msg.length >= 8 ? msg.readUInt32BE(4) : -1
    indices.push(index)
    if (indices.length === config.stallAfter) {
      // stdin keeps the process alive; the socket stays open but is never read again.
      console.log(`STALLED ${JSON.stringify({ indices })}`)
      return
    }
    if (index === config.until) console.log(`DONE ${JSON.stringify({ indices })}`)
  }
}

async function runInteractive() {
  const types = { server: Server, client: Client, dealer: Dealer, router: Router, pub: Publisher, sub: Subscriber, xpub: XPublisher, radio: Radio, dish: Dish, scatter: Scatter, gather: Gather, dgram: Datagram, push: Push, pull: Pull, pair: Pair, req: Request, rep: Reply, stream: Stream }
  const Type = types[config.socket]
  if (!Type) fail(`unknown socket ${JSON.stringify(config.socket)}; use one of ${Object.keys(types).join(", ")}`)
  if (config.plainServer) await startZapHandler()
  const socket = newSocket(Type)
  const events = ["connect", "accept", "handshake", "handshake:error:protocol", "handshake:error:auth", "handshake:error:other", "disconnect"]
  for (const name of events) socket.events.on(name, e => { console.log(`EVENT ${name}`); if (name.startsWith("handshake:error")) process.stderr.write(`event ${name}: ${e.error ? e.error.message + " " + e.error.code : ""}\n`) })
  const endpoint = await attach(socket)
  console.log(`READY ${endpoint}`)

  // The last SEND's promise: the next one starts when it has gone.
  let sendChain = Promise.resolve()
  // While paused, the receive loop waits on this instead of calling receive.
  let paused = null
  // REQ and REP take turns: the receive loop waits for the SEND that comes first (REQ's request)
  // or after (REP's reply) each receive.
  let sent = null
  const nextSend = () => new Promise(resolve => (sent = resolve))
  const commands = require("readline").createInterface({ input: process.stdin })
  // Commands run one after another: a BLAST finishes before the next line is read.
  let queue = Promise.resolve()
  commands.on("line", line => {
    queue = queue.then(() => runCommand(line)).catch(e => fail(`${line}: ${e && e.stack ? e.stack : e}`))
  })
  async function runCommand(line) {
    const [command, routingId, hex] = line.split(" ")
    if (command === "PAUSE") {
      if (!paused) {
        let resume
        paused = new Promise(resolve => (resume = resolve))
        paused.resume = resume
      }
      console.log("PAUSED")
      return
    }
    if (command === "RESUME") {
      if (paused) paused.resume()
      paused = null
      console.log("RESUMED")
      return
    }
    if (command === "BLAST") {
      const [, salt, from, count, size] = line.split(" ").map(Number)
      for (let i = from; i < from + count; i++) await socket.send(payload(salt, i, size))
      console.log(`SENT ${from} ${count}`)
      return
    }
    if (command === "CLOSE") {
      socket.close()
      console.log("CLOSED")
      process.exit(0)
    }
    if (command === "SUBSCRIBE" || command === "UNSUBSCRIBE") {
      // The topic is the second field here.
      const topic = Buffer.from(routingId || "", "hex")
      if (command === "SUBSCRIBE") socket.subscribe(topic)
      else socket.unsubscribe(topic)
      console.log(`${command}D`)
      return
    }
    if (command === "JOIN" || command === "LEAVE") {
      const group = Buffer.from(routingId || "", "hex")
      if (command === "JOIN") socket.join(group)
      else socket.leave(group)
      console.log(command === "JOIN" ? "JOINED" : "LEFT")
      return
    }
    if (command === "SENDGROUP") {
      socket.send(Buffer.from(hex || "", "hex"), { group: Buffer.from(routingId, "hex") }).catch(e => fail(`${line}: ${e.message}`))
      return
    }
    if (command !== "SEND") fail(`unknown command ${JSON.stringify(line)}`)
    const frames = (hex || "").split(",").map(h => Buffer.from(h, "hex"))
    // One send at a time (zeromq.js refuses a second while one waits, e.g. for a peer to connect),
    // without holding up the commands that follow.
    const sending = (sendChain = sendChain.then(() => Type === Server ? socket.send(frames[0], { routingId: Number(routingId) }) : socket.send(frames.length === 1 ? frames[0] : frames)))
    sending.then(() => { if (sent) { const s = sent; sent = null; s() } }, e => fail(`SEND ${line}: ${e.message}`))
  }

  // A publisher, a radio or a push receives nothing: it just serves the commands.
  if (Type === Publisher || Type === Radio || Type === Push || Type === Scatter) return
  for (;;) {
    while (paused) await paused
    if (Type === Request) await nextSend()
    const parts = await socket.receive()
    const meta = parts.find(p => !Buffer.isBuffer(p))
    if (Type === Dish) {
      console.log(`GROUPMSG ${Buffer.from(meta.group).toString("hex")} ${parts[0].toString("hex")}`)
      continue
    }
    const frames = parts.filter(p => Buffer.isBuffer(p)).map(p => p.toString("hex"))
    const replied = Type === Reply ? nextSend() : null
    console.log(`MSG ${meta ? meta.routingId : 0} ${frames.join(",")}`)
    if (replied) await replied
  }
}

const modes = { server: runServer, client: runClient, sink: runSink, interactive: runInteractive }
if (!modes[config.mode]) fail(`unknown mode ${JSON.stringify(config.mode)}; use one of ${Object.keys(modes).join(", ")}`)
if (!config.bind === !config.connect) fail(`give exactly one of "bind" or "connect"`)
modes[config.mode]().catch(e => fail(e && e.stack ? e.stack : String(e)))
