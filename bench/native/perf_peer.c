/* One side of a harness row on libzmq itself, with no managed runtime in between: the libzmq
 * column's reference, in the manner of libzmq's local_thr/remote_thr/local_lat/remote_lat.
 *
 * It speaks the harness's child protocol (bench/Zmq.Perf/ChildMain.cs): the same arguments,
 * "PERF-READY <endpoint>" once bound, "PERF-RESULT <side> <json>" with the side's count, clock and
 * CPU time, "PERF-ERROR <text>" on failure; a connecting side waits for a line on stdin (or 60 s)
 * before it exits. It serves the stream rows (thr, N->1) and round trips (lat) of the variants
 * libzmq-pushpull, libzmq-reqrep and libzmq-dealerrouter; other rows stay on P/Invoke.
 *
 * Built by the harness on first use: cc -O2 perf_peer.c -lzmq -lpthread (libzmq3-dev). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <zmq.h>

#define HWM 1000
#define STALL_MS 10000
#define CLOCK_MASK 63

static const char *opt(int argc, char **argv, const char *name, const char *fallback)
{
    for (int i = 2; i + 1 < argc; i++)
        if (strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i] + 2, name) == 0)
            return argv[i + 1];
    return fallback;
}

static void fail(const char *what)
{
    printf("PERF-ERROR %s: %s\n", what, zmq_strerror(zmq_errno()));
    fflush(stdout);
    exit(1);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

typedef struct { double wall, cpu; long count; } snap_t;

static snap_t take(long count)
{
    snap_t s;
    s.cpu = cpu_s();
    s.count = count;
    s.wall = now_s();
    return s;
}

static void report(const char *side, const char *role, snap_t a, snap_t b, long bad, const char *latency)
{
    printf("PERF-RESULT %s {\"Role\":\"%s\",\"Messages\":%ld,\"Seconds\":%.9f,\"Allocated\":0,\"CpuSeconds\":%.6f,\"Bad\":%ld,\"Latency\":%s,\"Scale\":null}\n",
           side, role, b.count - a.count, b.wall - a.wall, b.cpu - a.cpu, bad, latency ? latency : "null");
    fflush(stdout);
}

static void *ctx;
static int size, senders;
static double warmup, duration;
static long max_messages;

/* The pattern's socket types: [0] binds (receives, or echoes), [1] connects (sends, or asks). */
static void types(const char *variant, int *bind_type, int *connect_type)
{
    if (strcmp(variant, "libzmq-pushpull") == 0) { *bind_type = ZMQ_PULL; *connect_type = ZMQ_PUSH; }
    else if (strcmp(variant, "libzmq-reqrep") == 0) { *bind_type = ZMQ_REP; *connect_type = ZMQ_REQ; }
    else if (strcmp(variant, "libzmq-dealerrouter") == 0) { *bind_type = ZMQ_ROUTER; *connect_type = ZMQ_DEALER; }
    else { printf("PERF-ERROR no native side for variant %s\n", variant); fflush(stdout); exit(1); }
}

static void *new_socket(int type)
{
    void *s = zmq_socket(ctx, type);
    int hwm = HWM, zero = 0, stall = STALL_MS;
    if (!s) fail("zmq_socket");
    zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(s, ZMQ_SNDTIMEO, &stall, sizeof stall);
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &stall, sizeof stall);
    return s;
}

/* Receives one message's body (after a ROUTER's identity frame); returns its size. */
static int receive(void *s, zmq_msg_t *msg, int routed)
{
    if (routed) {
        if (zmq_msg_recv(msg, s, 0) < 0) fail("zmq_msg_recv (identity)");
    }
    if (zmq_msg_recv(msg, s, 0) < 0) fail("zmq_msg_recv");
    return (int)zmq_msg_size(msg);
}

static void send_size(void *s, int n)
{
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, n) != 0) fail("zmq_msg_init_size");
    if (n > 0) memset(zmq_msg_data(&msg), 'x', n);
    if (zmq_msg_send(&msg, s, 0) < 0) fail("zmq_msg_send");
}

static void bind_side(int type, const char *endpoint, int echo)
{
    void *s = new_socket(type);
    char last[1024];
    size_t len = sizeof last;
    int routed = type == ZMQ_ROUTER;
    if (zmq_bind(s, endpoint) != 0) fail("zmq_bind");
    if (zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, last, &len) != 0) fail("zmq_getsockopt");
    printf("PERF-READY %s\n", last);
    fflush(stdout);

    zmq_msg_t msg;
    zmq_msg_init(&msg);
    long count = 0, bad = 0;
    int ends = 0, mask = echo ? 0 : CLOCK_MASK;
#define COUNT(n) do { if ((n) == 0) ends++; else { count++; bad += (n) != size; } } while (0)
    int n = receive(s, &msg, routed);
    if (echo && n > 0 && zmq_msg_send(&msg, s, 0) < 0) fail("zmq_msg_send (echo)");
    COUNT(n);
    snap_t start = take(count);
    double warm_end = start.wall + warmup;
    int warm = warmup <= 0;
    while (ends < senders) {
        n = receive(s, &msg, routed);
        if (echo && n > 0 && zmq_msg_send(&msg, s, 0) < 0) fail("zmq_msg_send (echo)");
        COUNT(n);
        if (!warm && (count & mask) == 0 && now_s() >= warm_end) {
            warm = 1;
            start = take(count);
        }
    }
    snap_t end = take(count);
    report("bind", echo ? "echo" : "receiver", start, end, bad, NULL);
    zmq_msg_close(&msg);
    zmq_close(s);
}

typedef struct { void *socket; double warm_end, stop_at; long at_warm, at_end; } sender_t;

static void *send_stream(void *arg)
{
    sender_t *t = arg;
    long sent = 0;
    int warm = now_s() >= t->warm_end;
    while (sent < max_messages) {
        send_size(t->socket, size);
        sent++;
        if ((sent & CLOCK_MASK) == 0) {
            double now = now_s();
            if (!warm && now >= t->warm_end) { warm = 1; t->at_warm = sent; }
            if (now >= t->stop_at) break;
        }
    }
    send_size(t->socket, 0);
    t->at_end = sent;
    return NULL;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double percentile(const double *sorted, long n, double p)
{
    long i = (long)(p * n + 0.999999999) - 1;
    return sorted[i < 0 ? 0 : i >= n ? n - 1 : i];
}

static void round_trips(void *s)
{
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    long bad = 0, trips = 0;
    double warm_end = now_s() + warmup;
    while (trips < max_messages && now_s() < warm_end) {
        send_size(s, size);
        bad += receive(s, &msg, 0) != size;
        trips++;
    }
    long cap = (long)(duration * 200000);
    if (cap > 4000000) cap = 4000000;
    if (cap > max_messages - trips) cap = max_messages - trips;
    if (cap < 1) cap = 1;
    double *us = malloc(sizeof(double) * cap);
    snap_t start = take(0);
    double stop_at = start.wall + duration;
    long i = 0;
    while (i < cap) {
        double a = now_s();
        send_size(s, size);
        bad += receive(s, &msg, 0) != size;
        double b = now_s();
        us[i++] = (b - a) * 1e6;
        if (b >= stop_at) break;
    }
    snap_t end = take(i);
    send_size(s, 0);
    char latency[512] = "null";
    if (i > 0) {
        double sum = 0;
        for (long k = 0; k < i; k++) sum += us[k];
        qsort(us, i, sizeof(double), compare);
        snprintf(latency, sizeof latency, "{\"Count\":%ld,\"MeanUs\":%.4f,\"P50Us\":%.4f,\"P99Us\":%.4f,\"MinUs\":%.4f,\"MaxUs\":%.4f}",
                 i, sum / i, percentile(us, i, 0.50), percentile(us, i, 0.99), us[0], us[i - 1]);
    }
    report("connect", "client", start, end, bad, latency);
    free(us);
    zmq_msg_close(&msg);
}

static void connect_side(int type, const char *endpoint, const char *kind)
{
    if (strcmp(kind, "Latency") == 0) {
        void *s = new_socket(type);
        if (zmq_connect(s, endpoint) != 0) fail("zmq_connect");
        round_trips(s);
    } else {
        sender_t *t = calloc(senders, sizeof(sender_t));
        pthread_t *threads = calloc(senders, sizeof(pthread_t));
        double warm_end = now_s() + warmup;
        for (int i = 0; i < senders; i++) {
            t[i].socket = new_socket(type);
            if (zmq_connect(t[i].socket, endpoint) != 0) fail("zmq_connect");
            t[i].warm_end = warm_end;
            t[i].stop_at = warm_end + duration;
        }
        snap_t start = take(0);
        for (int i = 0; i < senders; i++) pthread_create(&threads[i], NULL, send_stream, &t[i]);
        long sent = 0;
        for (int i = 0; i < senders; i++) {
            pthread_join(threads[i], NULL);
            sent += t[i].at_end - t[i].at_warm;
        }
        snap_t end = take(sent);
        report("connect", "sender", start, end, 0, NULL);
    }
    /* The parent says when the receiver is done with what this side sent. */
    fd_set in;
    struct timeval wait = { 60, 0 };
    FD_ZERO(&in);
    FD_SET(0, &in);
    select(1, &in, NULL, NULL, &wait);
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: perf_peer bind|connect --variant V --kind K ...\n"); return 2; }
    const char *role = argv[1];
    const char *kind = opt(argc, argv, "kind", "Throughput");
    size = atoi(opt(argc, argv, "size", "64"));
    senders = atoi(opt(argc, argv, "senders", "1"));
    warmup = atof(opt(argc, argv, "warmup", "0.5"));
    duration = atof(opt(argc, argv, "duration", "2.5"));
    max_messages = atol(opt(argc, argv, "max", "9223372036854775807"));
    if (strcmp(kind, "Shared") == 0) senders = 1;
    int bind_type, connect_type;
    types(opt(argc, argv, "variant", ""), &bind_type, &connect_type);
    ctx = zmq_ctx_new();
    const char *transport = opt(argc, argv, "transport", "tcp");
    if (strcmp(role, "bind") == 0)
        bind_side(bind_type, strcmp(transport, "ipc") == 0 ? "ipc://*" : "tcp://127.0.0.1:*", strcmp(kind, "Latency") == 0);
    else
        connect_side(connect_type, opt(argc, argv, "connect", ""), kind);
    zmq_ctx_term(ctx);
    return 0;
}
