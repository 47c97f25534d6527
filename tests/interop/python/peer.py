#!/usr/bin/python3
"""A libzmq peer driven over stdin/stdout, for the interop tests: Debian's libzmq through python3-zmq.

    peer.py TYPE (bind|connect) ENDPOINT [plain-client|plain-server USER:PASSWORD]
    peer.py TYPE (bind|connect) ENDPOINT [curve-server PUBLIC:SECRET | curve-client SERVERKEY]
    peer.py proxy bind FRONTEND,BACKEND     libzmq's zmq_proxy between an XSUB and an XPUB it binds
    peer.py broker bind FRONTEND,BACKEND    libzmq's zmq_proxy between a ROUTER and a DEALER it binds

Prints "READY <endpoint>" once bound or connected. Commands on stdin, one per line:
    SEND <hex>[,<hex>...]   send a message (its frames)
    CLOSE                   close the socket and exit
A socket type that receives prints "MSG <hex>[,<hex>...]" for each message it receives.
PLAIN: plain-client presents the credentials; plain-server lets in only that user, through
pyzmq's ZAP handler (libzmq's PLAIN server needs one).
"""
import sys
import threading

import zmq

TYPES = {"pair": zmq.PAIR, "pub": zmq.PUB, "sub": zmq.SUB, "req": zmq.REQ, "rep": zmq.REP,
         "dealer": zmq.DEALER, "router": zmq.ROUTER, "pull": zmq.PULL, "push": zmq.PUSH,
         "xpub": zmq.XPUB, "xsub": zmq.XSUB, "stream": zmq.STREAM}
SEND_ONLY = {"pub", "push"}


def proxy(front, back, kinds=(zmq.XSUB, zmq.XPUB)):
    context = zmq.Context()
    frontend = context.socket(kinds[0])
    backend = context.socket(kinds[1])
    frontend.bind(front)
    backend.bind(back)
    print("READY %s,%s" % (frontend.getsockopt_string(zmq.LAST_ENDPOINT), backend.getsockopt_string(zmq.LAST_ENDPOINT)), flush=True)
    # Runs until the test kills the process.
    zmq.proxy(frontend, backend)


def main():
    kind, how, endpoint = sys.argv[1:4]
    if kind == "proxy":
        proxy(*endpoint.split(","))
        return
    if kind == "broker":
        proxy(*endpoint.split(","), kinds=(zmq.ROUTER, zmq.DEALER))
        return
    context = zmq.Context()
    socket = context.socket(TYPES[kind])
    socket.linger = 2000
    authenticator = None
    if len(sys.argv) > 5:
        role, credentials = sys.argv[4:6]
        if role == "curve-server":
            # Z85 keys may hold ':' themselves: each is 40 characters.
            public, secret = credentials[:40], credentials[41:]
            socket.curve_publickey = public.encode()
            socket.curve_secretkey = secret.encode()
            socket.curve_server = True
        elif role == "curve-client":
            public, secret = zmq.curve_keypair()
            socket.curve_publickey = public
            socket.curve_secretkey = secret
            socket.curve_serverkey = credentials.encode()
        elif role == "plain-client":
            user, password = credentials.split(":", 1)
            socket.plain_username = user.encode()
            socket.plain_password = password.encode()
        else:
            user, password = credentials.split(":", 1)
            from zmq.auth.thread import ThreadAuthenticator
            authenticator = ThreadAuthenticator(context)
            authenticator.start()
            authenticator.configure_plain(domain="*", passwords={user: password})
            socket.plain_server = True
    if kind == "sub":
        socket.setsockopt(zmq.SUBSCRIBE, b"")
    if how == "bind":
        socket.bind(endpoint)
        endpoint = socket.getsockopt_string(zmq.LAST_ENDPOINT)
    else:
        socket.connect(endpoint)
    lock = threading.Lock()

    def say(line):
        with lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    say("READY " + endpoint)
    # One thread may use a libzmq socket at a time: the receiver polls, and sends happen between polls.
    outbox = []
    done = threading.Event()

    def read_commands():
        for line in sys.stdin:
            line = line.strip()
            if line.startswith("SEND"):
                hexes = line[5:].split(",") if len(line) > 5 else [""]
                with lock:
                    outbox.append([bytes.fromhex(h) for h in hexes])
            elif line == "CLOSE":
                break
        done.set()

    threading.Thread(target=read_commands, daemon=True).start()
    poller = zmq.Poller()
    poller.register(socket, zmq.POLLIN if kind not in SEND_ONLY else 0)
    while not done.is_set() or outbox:
        with lock:
            pending, outbox[:] = list(outbox), []
        for frames in pending:
            socket.send_multipart(frames)
        if kind in SEND_ONLY:
            done.wait(0.01)
            continue
        if dict(poller.poll(10)).get(socket):
            frames = socket.recv_multipart()
            say("MSG " + ",".join(f.hex() for f in frames))
    socket.close()
    if authenticator:
        authenticator.stop()
    context.term()


if __name__ == "__main__":
    main()
