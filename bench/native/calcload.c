/*
 * calcload: the native load generator of `npm run bench` (Linux; C99 + epoll, sendmmsg/recvmmsg).
 *
 *   calcload --tcp --port P --mix FILE --connections 64 --window 32 --seconds 2 --requests 4000000
 *   calcload --udp --port P --mix FILE --connections 16 --window 32 --seconds 2
 *
 * One thread, one epoll loop, nonblocking sockets, loopback only (127.0.0.0/8 or ::1; anything
 * else is refused). The requests and their expected replies come from the mix file written by the
 * Node orchestrator (bench/load/mixFile.ts: request line, expected reply line, repeated; the k-th
 * request sent is entry k mod count), so there is one source of truth for the mix
 * (bench/load/requestMix.ts). Every reply is compared byte for byte with the one expected.
 *
 * TCP: C connections, each with up to W pipelined requests; requests go out as one write per
 * batch, replies come back in order and are matched against a ring of (entry, send time).
 * UDP: C connected sockets, each with up to W requests in flight, sent with one sendmmsg per
 * batch and read with recvmmsg. A reply carries no id, so replies are matched per socket, first
 * in first out: both servers answer one source's datagrams in order and loopback keeps the order.
 * A reply that is not the oldest request's but equals the expected reply of a later one on the
 * same socket proves, in that order, that the older ones were dropped: they count as lost at
 * once (and their slots are refilled). A reply that matches none counts as a mismatch (see
 * udp_reply for why the counts stay exact although expected replies repeat). A request
 * with no reply within --timeout-ms is lost; a reply that comes for a request already counted
 * lost is late (with a server that reorders, e.g. several workers, late > 0 says so).
 *
 * The run is bounded by --requests AND --seconds; replies still in flight then get --timeout-ms
 * more, and a hard deadline ends it whatever happens. Prints one JSON line on stdout; with
 * --progress, "progress N" lines (verified replies so far) on stderr every 250 ms. Exit 0 when every
 * reply was verified, 1 otherwise, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_MS 1000000ULL
#define NS_PER_S 1000000000ULL
#define READ_BUF 65536
#define CARRY_CAP 8192
#define UDP_BATCH 64
#define UDP_MAX_REPLY 2048
#define LOST_MEMORY 8
#define MAX_SERVER_PIDS 64

/* ---- options ---------------------------------------------------------------------------- */

static struct {
  int udp;
  const char *host;
  long port;
  long connections;
  long window;
  long requests;
  double seconds;
  double rate;
  long timeout_ms;
  const char *mix;
  int progress;
  int server_pids[MAX_SERVER_PIDS];
  int server_pid_count;
} opt = { 0, "127.0.0.1", 0, 1, 1, 1000000, 2, 0, 500, NULL, 0, { 0 }, 0 };

static void usage_error(const char *fmt, const char *a, const char *b) {
  fprintf(stderr, "calcload: ");
  fprintf(stderr, fmt, a, b);
  fprintf(stderr, "\n");
  exit(2);
}

static double number_flag(const char *name, const char *value, double min, double max) {
  char *end = NULL;
  errno = 0;
  double n = value == NULL ? 0 : strtod(value, &end);
  if (value == NULL || *value == '\0' || *end != '\0' || errno != 0 || n != n || n < min || n > max) {
    char range[96];
    snprintf(range, sizeof range, "%g-%g", min, max);
    fprintf(stderr, "calcload: Invalid --%s \"%s\" (expected a number %s)\n", name, value == NULL ? "" : value, range);
    exit(2);
  }
  return n;
}

static const char USAGE[] =
    "Usage: calcload [--tcp | --udp] --port P --mix FILE [options]\n"
    "  --host H            server address, 127.0.0.0/8 or ::1 only (default 127.0.0.1)\n"
    "  --connections C     TCP connections / UDP sockets (default 1)\n"
    "  --window W          requests in flight per connection or socket (default 1)\n"
    "  --requests N        at most N requests (default 1000000)\n"
    "  --seconds S         at most S seconds of sending (default 2)\n"
    "  --rate R            offer R requests/s (open loop, paced every ms); 0 = closed loop\n"
    "  --timeout-ms T      UDP reply timeout / TCP final drain (default 500)\n"
    "  --mix FILE          the request mix: request line, expected reply line, repeated\n"
    "  --server-pids A,B   server processes whose CPU use to report (from /proc/PID/stat)\n"
    "  --progress          print \"progress N\" lines on stderr\n";

static void parse_server_pids(const char *list) {
  const char *p = list;
  while (*p != '\0') {
    char *end = NULL;
    long pid = strtol(p, &end, 10);
    if (end == p || pid <= 0 || (*end != ',' && *end != '\0') || opt.server_pid_count >= MAX_SERVER_PIDS) {
      usage_error("Invalid --server-pids \"%s\" (expected up to 64 comma-separated process ids)%s", list, "");
    }
    opt.server_pids[opt.server_pid_count++] = (int)pid;
    p = *end == ',' ? end + 1 : end;
  }
}

static void parse_options(int argc, char **argv) {
  int tcp = 0;
  for (int i = 1; i < argc; i += 1) {
    const char *flag = argv[i];
    const char *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(flag, "--help") == 0) {
      fputs(USAGE, stdout);
      exit(0);
    } else if (strcmp(flag, "--tcp") == 0) {
      tcp = 1;
    } else if (strcmp(flag, "--udp") == 0) {
      opt.udp = 1;
    } else if (strcmp(flag, "--progress") == 0) {
      opt.progress = 1;
    } else if (value == NULL) {
      usage_error("Unknown or incomplete option \"%s\" (see --help)%s", flag, "");
    } else {
      i += 1;
      if (strcmp(flag, "--host") == 0) opt.host = value;
      else if (strcmp(flag, "--port") == 0) opt.port = (long)number_flag("port", value, 1, 65535);
      else if (strcmp(flag, "--connections") == 0) opt.connections = (long)number_flag("connections", value, 1, 10000);
      else if (strcmp(flag, "--window") == 0) opt.window = (long)number_flag("window", value, 1, 4096);
      else if (strcmp(flag, "--requests") == 0) opt.requests = (long)number_flag("requests", value, 1, 50000000);
      else if (strcmp(flag, "--seconds") == 0) opt.seconds = number_flag("seconds", value, 0.01, 600);
      else if (strcmp(flag, "--rate") == 0) opt.rate = number_flag("rate", value, 0, 50000000);
      else if (strcmp(flag, "--timeout-ms") == 0) opt.timeout_ms = (long)number_flag("timeout-ms", value, 1, 60000);
      else if (strcmp(flag, "--mix") == 0) opt.mix = value;
      else if (strcmp(flag, "--server-pids") == 0) parse_server_pids(value);
      else usage_error("Unknown option \"%s\" (see --help)%s", flag, "");
    }
  }
  if (tcp && opt.udp) usage_error("--tcp and --udp cannot be used together%s%s", "", "");
  if (opt.port == 0) usage_error("Missing --port (expected a number 1-65535)%s%s", "", "");
  if (opt.mix == NULL) usage_error("Missing --mix FILE (the request mix)%s%s", "", "");
}

/* ---- the loopback address --------------------------------------------------------------- */

static struct sockaddr_storage server_addr;
static socklen_t server_addr_len;

/** Accepts 127.0.0.0/8 and ::1 only: this program never sends anywhere else. */
static void resolve_loopback(void) {
  struct sockaddr_in *v4 = (struct sockaddr_in *)&server_addr;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&server_addr;
  memset(&server_addr, 0, sizeof server_addr);
  if (inet_pton(AF_INET, opt.host, &v4->sin_addr) == 1) {
    if ((ntohl(v4->sin_addr.s_addr) >> 24) != 127) usage_error("Refusing --host \"%s\" (only loopback: 127.0.0.0/8 or ::1)%s", opt.host, "");
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)opt.port);
    server_addr_len = sizeof *v4;
    return;
  }
  if (inet_pton(AF_INET6, opt.host, &v6->sin6_addr) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr)) usage_error("Refusing --host \"%s\" (only loopback: 127.0.0.0/8 or ::1)%s", opt.host, "");
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)opt.port);
    server_addr_len = sizeof *v6;
    return;
  }
  usage_error("Invalid --host \"%s\" (expected a numeric loopback address: 127.0.0.0/8 or ::1)%s", opt.host, "");
}

/* ---- the request mix -------------------------------------------------------------------- */

/** One request of the mix: its bytes with the '\n', and the expected reply with its '\n'. */
typedef struct {
  const char *req;
  uint32_t req_len;
  const char *exp;
  uint32_t exp_len;
} entry_t;

static entry_t *mix;
static uint32_t mix_count;
static uint32_t max_req_len;

static void load_mix(void) {
  FILE *f = fopen(opt.mix, "rb");
  if (f == NULL) usage_error("Cannot read --mix \"%s\": %s", opt.mix, strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || st.st_size <= 0 || st.st_size > (1 << 28)) usage_error("Invalid --mix \"%s\" (empty or larger than 256 MiB)%s", opt.mix, "");
  char *text = malloc((size_t)st.st_size);
  if (text == NULL || fread(text, 1, (size_t)st.st_size, f) != (size_t)st.st_size) usage_error("Cannot read --mix \"%s\"%s", opt.mix, "");
  fclose(f);
  size_t lines = 0;
  for (off_t i = 0; i < st.st_size; i += 1) lines += text[i] == '\n';
  if (lines < 2 || lines % 2 != 0 || text[st.st_size - 1] != '\n') usage_error("Invalid --mix \"%s\" (expected pairs of lines: request, expected reply)%s", opt.mix, "");
  mix_count = (uint32_t)(lines / 2);
  mix = calloc(mix_count, sizeof *mix);
  char *p = text;
  for (uint32_t i = 0; i < mix_count; i += 1) {
    char *nl = memchr(p, '\n', (size_t)(text + st.st_size - p));
    mix[i].req = p;
    mix[i].req_len = (uint32_t)(nl - p + 1);
    p = nl + 1;
    nl = memchr(p, '\n', (size_t)(text + st.st_size - p));
    mix[i].exp = p;
    mix[i].exp_len = (uint32_t)(nl - p + 1);
    p = nl + 1;
    if (mix[i].req_len > 4096 || mix[i].exp_len > UDP_MAX_REPLY) usage_error("Invalid --mix \"%s\" (a line longer than 4096 bytes)%s", opt.mix, "");
    if (mix[i].req_len > max_req_len) max_req_len = mix[i].req_len;
  }
}

/* ---- clocks, histogram, counters -------------------------------------------------------- */

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/*
 * Latency histogram, HdrHistogram-like: values below 128 ns are exact; above, each power of two
 * is split into 64 buckets, so a bucket is at most 1/64 (1.6%) of its value wide.
 */
#define SUB_BITS 6
#define SUB (1 << SUB_BITS)
#define BUCKETS (SUB * 60)
static uint64_t hist[BUCKETS];
static uint64_t hist_count, hist_max;
static double hist_sum;

static int bucket_of(uint64_t v) {
  if (v < 2 * SUB) return (int)v;
  int msb = 63 - __builtin_clzll(v);
  int shift = msb - SUB_BITS;
  return (shift + 1) * SUB + (int)((v >> shift) - SUB);
}

/** The middle of a bucket's range, ns. */
static double bucket_value(int i) {
  if (i < 2 * SUB) return i;
  int shift = i / SUB - 1;
  uint64_t low = (uint64_t)(i % SUB + SUB) << shift;
  return (double)low + (double)((1ULL << shift) - 1) / 2;
}

static void record(uint64_t ns) {
  hist[bucket_of(ns)] += 1;
  hist_count += 1;
  hist_sum += (double)ns;
  if (ns > hist_max) hist_max = ns;
}

/** Nearest-rank percentile, µs. */
static double percentile_us(double q) {
  if (hist_count == 0) return 0;
  uint64_t rank = (uint64_t)(q * (double)hist_count);
  if ((double)rank < q * (double)hist_count) rank += 1;
  if (rank < 1) rank = 1;
  uint64_t seen = 0;
  for (int i = 0; i < BUCKETS; i += 1) {
    seen += hist[i];
    if (seen >= rank) {
      double v = bucket_value(i);
      return (v > (double)hist_max ? (double)hist_max : v) / 1000.0;
    }
  }
  return (double)hist_max / 1000.0;
}

static struct {
  uint64_t sent, verified, mismatches, lost, late, unanswered, errors, outstanding, max_backlog;
} n;
static uint64_t first_send_ns, last_reply_ns, stop_sending_ns, timeout_ns;

static int can_send(uint64_t now) {
  return n.sent < (uint64_t)opt.requests && now < stop_sending_ns;
}

static int reply_is(const entry_t *e, const char *data, size_t len) {
  return len == e->exp_len && memcmp(data, e->exp, len) == 0;
}

/* ---- channels: a TCP connection or a UDP socket ----------------------------------------- */

typedef struct {
  int fd;
  int alive;
  int connected;
  uint32_t *ring; /* mix entry of each request in flight, oldest at head */
  uint64_t *sent_at;
  uint32_t head, count;
  /* TCP: bytes not yet written, and the unfinished tail of the last read. */
  char *out;
  size_t out_off, out_len;
  int want_out;
  char *carry;
  size_t carry_len;
  int skipping; /* discarding an over-long reply line */
  /* UDP: requests recently counted lost, to tell a late reply from a wrong one. */
  uint32_t lost_ring[LOST_MEMORY];
  uint32_t lost_count, lost_next;
} channel_t;

static channel_t *channels;
static long channel_count, alive_count;
static int epfd;
static uint32_t window;

static uint32_t ring_tail(const channel_t *c) {
  return (c->head + c->count) % window;
}

static void push(channel_t *c, uint32_t entry, uint64_t now) {
  uint32_t t = ring_tail(c);
  c->ring[t] = entry;
  c->sent_at[t] = now;
  c->count += 1;
  n.outstanding += 1;
}

static void pop(channel_t *c) {
  c->head = (c->head + 1) % window;
  c->count -= 1;
  n.outstanding -= 1;
}

static void verified(channel_t *c, uint32_t at, uint64_t now) {
  n.verified += 1;
  record(now - c->sent_at[at]);
  last_reply_ns = now;
}

static void set_events(channel_t *c, uint32_t events) {
  struct epoll_event ev = { .events = events, .data = { .ptr = c } };
  epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/** A channel that failed or closed: what it had in flight is unanswered (TCP) or lost (UDP). */
static void channel_down(channel_t *c, int failed) {
  if (!c->alive) return;
  c->alive = 0;
  alive_count -= 1;
  if (failed) n.errors += 1;
  if (opt.udp) n.lost += c->count;
  else n.unanswered += c->count;
  n.outstanding -= c->count;
  c->count = 0;
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
}

/* TCP */

static void tcp_flush(channel_t *c) {
  while (c->out_off < c->out_len) {
    ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
    if (w > 0) {
      c->out_off += (size_t)w;
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!c->want_out) set_events(c, EPOLLIN | EPOLLOUT);
      c->want_out = 1;
      return;
    } else {
      channel_down(c, 1);
      return;
    }
  }
  c->out_off = c->out_len = 0;
  if (c->want_out) set_events(c, EPOLLIN);
  c->want_out = 0;
}

static void tcp_send(channel_t *c, uint32_t count, uint64_t now) {
  if (c->out_off > 0) {
    memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
    c->out_len -= c->out_off;
    c->out_off = 0;
  }
  for (uint32_t i = 0; i < count; i += 1) {
    uint32_t entry = (uint32_t)(n.sent % mix_count);
    memcpy(c->out + c->out_len, mix[entry].req, mix[entry].req_len);
    c->out_len += mix[entry].req_len;
    push(c, entry, now);
    n.sent += 1;
  }
  tcp_flush(c);
}

/** One reply line (with its '\n'): compare with the oldest request in flight. */
static void tcp_line(channel_t *c, const char *line, size_t len, uint64_t now) {
  if (c->count == 0) {
    n.mismatches += 1; /* a reply nobody asked for */
    return;
  }
  if (reply_is(&mix[c->ring[c->head]], line, len)) verified(c, c->head, now);
  else n.mismatches += 1;
  pop(c);
}

static char read_buf[CARRY_CAP + READ_BUF];

static void tcp_readable(channel_t *c, uint64_t now) {
  memcpy(read_buf, c->carry, c->carry_len);
  ssize_t r = read(c->fd, read_buf + c->carry_len, READ_BUF);
  if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (r <= 0) {
    channel_down(c, r < 0);
    return;
  }
  size_t len = c->carry_len + (size_t)r;
  size_t at = 0;
  while (at < len) {
    if (c->skipping) {
      char *nl = memchr(read_buf + at, '\n', len - at);
      if (nl == NULL) {
        at = len;
        break;
      }
      at = (size_t)(nl - read_buf) + 1;
      c->skipping = 0;
      tcp_line(c, "", 0, now);
      continue;
    }
    /* The common case: the expected reply, compared in place. */
    if (c->count > 0) {
      const entry_t *e = &mix[c->ring[c->head]];
      if (len - at >= e->exp_len && memcmp(read_buf + at, e->exp, e->exp_len) == 0) {
        verified(c, c->head, now);
        pop(c);
        at += e->exp_len;
        continue;
      }
    }
    char *nl = memchr(read_buf + at, '\n', len - at);
    if (nl == NULL) break;
    size_t end = (size_t)(nl - read_buf) + 1;
    tcp_line(c, read_buf + at, end - at, now);
    at = end;
  }
  c->carry_len = len - at;
  if (c->carry_len > CARRY_CAP) {
    c->carry_len = 0;
    c->skipping = 1; /* a line this long is no reply of ours: one mismatch when it ends */
  } else {
    memcpy(c->carry, read_buf + at, c->carry_len);
  }
}

/* UDP */

static void udp_send(channel_t *c, uint32_t count, uint64_t now) {
  struct mmsghdr msgs[256];
  struct iovec iov[256];
  while (count > 0) {
    uint32_t batch = count < 256 ? count : 256;
    for (uint32_t i = 0; i < batch; i += 1) {
      const entry_t *e = &mix[(n.sent + i) % mix_count];
      iov[i].iov_base = (void *)e->req;
      iov[i].iov_len = e->req_len;
      memset(&msgs[i], 0, sizeof msgs[i]);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int sent = sendmmsg(c->fd, msgs, batch, 0);
    if (sent < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS && errno != EINTR) n.errors += 1;
      return; /* the sweep refills it */
    }
    for (int i = 0; i < sent; i += 1) {
      push(c, (uint32_t)(n.sent % mix_count), now);
      n.sent += 1;
    }
    if ((uint32_t)sent < batch) return;
    count -= batch;
  }
}

static void remember_lost(channel_t *c, uint32_t entry) {
  c->lost_ring[c->lost_next] = entry;
  c->lost_next = (c->lost_next + 1) % LOST_MEMORY;
  if (c->lost_count < LOST_MEMORY) c->lost_count += 1;
}

static int was_lost(channel_t *c, const char *data, size_t len) {
  for (uint32_t i = 0; i < c->lost_count; i += 1) {
    uint32_t slot = (c->lost_next + LOST_MEMORY - 1 - i) % LOST_MEMORY;
    if (reply_is(&mix[c->lost_ring[slot]], data, len)) {
      c->lost_ring[slot] = c->lost_ring[(c->lost_next + LOST_MEMORY - c->lost_count) % LOST_MEMORY];
      c->lost_count -= 1; /* one late reply per lost request */
      return 1;
    }
  }
  return 0;
}

/**
 * One reply datagram on a socket. The oldest request's reply, as a rule; else the reply of a later
 * request on the socket (the first whose expected reply it is): in this order the older ones were
 * dropped, so they are lost; else the reply of a request already counted lost (late); else a
 * mismatch, taken as the oldest request's wrong reply. Expected replies repeat (`300,-1`...), so
 * the later request matched may be an earlier one than the one answered: the counts stay exact
 * (every request before the one answered was dropped), only that reply's latency is attributed
 * to an earlier send.
 */
static void udp_reply(channel_t *c, const char *data, size_t len, uint64_t now) {
  for (uint32_t i = 0; i < c->count; i += 1) {
    uint32_t at = (c->head + i) % window;
    if (!reply_is(&mix[c->ring[at]], data, len)) continue;
    for (uint32_t skipped = 0; skipped < i; skipped += 1) {
      n.lost += 1;
      remember_lost(c, c->ring[c->head]);
      pop(c);
    }
    verified(c, c->head, now);
    pop(c);
    return;
  }
  if (was_lost(c, data, len)) {
    n.late += 1;
    return;
  }
  n.mismatches += 1;
  if (c->count > 0) pop(c);
}

static void udp_readable(channel_t *c, uint64_t now) {
  static char bufs[UDP_BATCH][UDP_MAX_REPLY];
  struct mmsghdr msgs[UDP_BATCH];
  struct iovec iov[UDP_BATCH];
  for (int i = 0; i < UDP_BATCH; i += 1) {
    iov[i].iov_base = bufs[i];
    iov[i].iov_len = UDP_MAX_REPLY;
    memset(&msgs[i], 0, sizeof msgs[i]);
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int got = recvmmsg(c->fd, msgs, UDP_BATCH, MSG_DONTWAIT, NULL);
  if (got < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) n.errors += 1; /* ECONNREFUSED: nothing listens */
    return;
  }
  for (int i = 0; i < got; i += 1) {
    if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) n.mismatches += 1;
    else udp_reply(c, bufs[i], msgs[i].msg_len, now);
  }
}

/** Requests older than the timeout at the head of a UDP socket are lost. */
static void udp_expire(channel_t *c, uint64_t now) {
  while (c->count > 0 && now - c->sent_at[c->head] > timeout_ns) {
    n.lost += 1;
    remember_lost(c, c->ring[c->head]);
    pop(c);
  }
}

/* ---- set-up ----------------------------------------------------------------------------- */

static void open_channels(void) {
  channel_count = opt.connections;
  window = (uint32_t)opt.window;
  channels = calloc((size_t)channel_count, sizeof *channels);
  epfd = epoll_create1(0);
  for (long i = 0; i < channel_count; i += 1) {
    channel_t *c = &channels[i];
    c->ring = calloc(window, sizeof *c->ring);
    c->sent_at = calloc(window, sizeof *c->sent_at);
    if (!opt.udp) {
      c->out = malloc((size_t)window * max_req_len);
      c->carry = malloc(CARRY_CAP);
    }
    c->fd = socket(server_addr.ss_family, (opt.udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK, 0);
    if (c->fd < 0) {
      n.errors += 1;
      continue;
    }
    if (!opt.udp) {
      int one = 1;
      setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    if (connect(c->fd, (struct sockaddr *)&server_addr, server_addr_len) != 0 && errno != EINPROGRESS) {
      n.errors += 1;
      close(c->fd);
      continue;
    }
    c->alive = 1;
    c->connected = opt.udp;
    alive_count += 1;
    struct epoll_event ev = { .events = opt.udp ? EPOLLIN : EPOLLOUT, .data = { .ptr = c } };
    epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
  }
  if (opt.udp) return;
  /* Wait (at most 5 s) until every TCP connection is established. */
  long pending = alive_count;
  uint64_t deadline = now_ns() + 5 * NS_PER_S;
  struct epoll_event events[256];
  while (pending > 0 && now_ns() < deadline) {
    int ready = epoll_wait(epfd, events, 256, 100);
    for (int i = 0; i < ready; i += 1) {
      channel_t *c = events[i].data.ptr;
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
      pending -= 1;
      if (err != 0 || (events[i].events & (EPOLLERR | EPOLLHUP))) {
        channel_down(c, 1);
      } else {
        c->connected = 1;
        set_events(c, EPOLLIN);
      }
    }
  }
  for (long i = 0; i < channel_count; i += 1)
    if (!channels[i].connected) channel_down(&channels[i], 1); /* not connected within 5 s */
}

/* ---- CPU use ---------------------------------------------------------------------------- */

/** A thread's time on a CPU and waiting for one, ns (/proc/PID/schedstat: a process's main thread); 0 if unreadable. */
static void read_schedstat(const char *path, uint64_t *run, uint64_t *wait) {
  *run = *wait = 0;
  FILE *f = fopen(path, "r");
  if (f == NULL) return;
  unsigned long long r = 0, w = 0;
  if (fscanf(f, "%llu %llu", &r, &w) == 2) {
    *run = r;
    *wait = w;
  }
  fclose(f);
}

/** Nanoseconds the servers' main threads waited for a CPU (their event loops: the work that matters). */
static uint64_t server_wait_ns(void) {
  uint64_t total = 0;
  for (int i = 0; i < opt.server_pid_count; i += 1) {
    char path[64];
    uint64_t run, wait;
    snprintf(path, sizeof path, "/proc/%d/schedstat", opt.server_pids[i]);
    read_schedstat(path, &run, &wait);
    total += wait;
  }
  return total;
}

/** User + system clock ticks of the server processes; -1 if none could be read. */
static long long server_ticks(void) {
  long long total = -1;
  for (int i = 0; i < opt.server_pid_count; i += 1) {
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", opt.server_pids[i]);
    FILE *f = fopen(path, "r");
    if (f == NULL) continue;
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    char *p = strrchr(text, ')');
    if (p == NULL) continue;
    unsigned long long utime = 0, stime = 0;
    /* After the command: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) == 2) {
      total = (total < 0 ? 0 : total) + (long long)(utime + stime);
    }
  }
  return total;
}

/* ---- the run ---------------------------------------------------------------------------- */

static void refill(channel_t *c, uint64_t now) {
  if (!c->alive || !can_send(now)) return;
  uint64_t room = window - c->count;
  uint64_t left = (uint64_t)opt.requests - n.sent;
  if (room > left) room = left;
  if (room == 0) return;
  if (opt.udp) udp_send(c, (uint32_t)room, now);
  else tcp_send(c, (uint32_t)room, now);
}

/** Open loop: send what is due by now, spread over the channels with room. */
static void pace(uint64_t start, uint64_t now, long *cursor) {
  if (!can_send(now)) return;
  uint64_t due = (uint64_t)((double)(now - start) / (double)NS_PER_S * opt.rate);
  if (due > (uint64_t)opt.requests) due = (uint64_t)opt.requests;
  if (due <= n.sent) return;
  uint64_t left = due - n.sent;
  uint64_t share = left / (uint64_t)channel_count + 1;
  long idle_round = 0;
  while (left > 0 && idle_round < channel_count) {
    channel_t *c = &channels[*cursor];
    *cursor = (*cursor + 1) % channel_count;
    uint64_t room = c->alive ? window - c->count : 0;
    if (room > share) room = share;
    if (room > left) room = left;
    if (room == 0) {
      idle_round += 1;
      continue;
    }
    idle_round = 0;
    uint64_t before = n.sent;
    if (opt.udp) udp_send(c, (uint32_t)room, now);
    else tcp_send(c, (uint32_t)room, now);
    left -= n.sent - before;
  }
  if (left > n.max_backlog) n.max_backlog = left;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  parse_options(argc, argv);
  resolve_loopback();
  load_mix();
  timeout_ns = (uint64_t)opt.timeout_ms * NS_PER_MS;
  open_channels();

  uint64_t run0, wait0, run1, wait1;
  read_schedstat("/proc/self/schedstat", &run0, &wait0);
  long long ticks0 = server_ticks();
  uint64_t server_wait0 = server_wait_ns();
  uint64_t start = now_ns();
  first_send_ns = start;
  stop_sending_ns = start + (uint64_t)(opt.seconds * (double)NS_PER_S);
  uint64_t hard_end = stop_sending_ns + timeout_ns + 50 * NS_PER_MS;
  uint64_t next_sweep = start, next_progress = start + 250 * NS_PER_MS;
  long cursor = 0;
  if (opt.rate == 0)
    for (long i = 0; i < channel_count; i += 1) refill(&channels[i], start);

  struct epoll_event events[256];
  for (;;) {
    uint64_t now = now_ns();
    if (now >= hard_end) break;
    if (n.outstanding == 0 && (!can_send(now) || alive_count == 0)) break;
    if (opt.rate > 0) pace(start, now, &cursor);
    if (now >= next_sweep) {
      next_sweep = now + 5 * NS_PER_MS;
      for (long i = 0; i < channel_count; i += 1) {
        if (opt.udp && channels[i].alive) udp_expire(&channels[i], now);
        if (opt.rate == 0) refill(&channels[i], now);
      }
    }
    if (opt.progress && now >= next_progress) {
      next_progress = now + 250 * NS_PER_MS;
      fprintf(stderr, "progress %llu\n", (unsigned long long)n.verified);
      fflush(stderr);
    }
    int ready = epoll_wait(epfd, events, 256, opt.rate > 0 ? 1 : 5);
    for (int i = 0; i < ready; i += 1) {
      channel_t *c = events[i].data.ptr;
      if (!c->alive) continue;
      uint64_t at = now_ns();
      if (opt.udp) {
        if (events[i].events & EPOLLIN) udp_readable(c, at);
      } else {
        if (events[i].events & EPOLLOUT) tcp_flush(c);
        if (c->alive && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) tcp_readable(c, at);
      }
      if (opt.rate == 0) refill(c, at);
    }
  }
  uint64_t end = now_ns();
  read_schedstat("/proc/self/schedstat", &run1, &wait1);
  long long ticks1 = server_ticks();
  uint64_t server_wait1 = server_wait_ns();
  for (long i = 0; i < channel_count; i += 1) channel_down(&channels[i], 0); /* still in flight: unanswered or lost */

  double wall = (double)(end - start) / (double)NS_PER_S;
  double seconds = (double)((last_reply_ns != 0 ? last_reply_ns : end) - first_send_ns) / (double)NS_PER_S;
  if (seconds < 1e-6) seconds = 1e-6;
  char server_cpu[32] = "null", server_wait[32] = "null";
  if (ticks0 >= 0 && ticks1 >= 0) {
    snprintf(server_cpu, sizeof server_cpu, "%.1f", (double)(ticks1 - ticks0) / (double)sysconf(_SC_CLK_TCK) / wall * 100);
    snprintf(server_wait, sizeof server_wait, "%.1f", (double)(server_wait1 - server_wait0) / 1e9 / wall * 100);
  }
  printf(
      "{\"generator\":\"native\",\"transport\":\"%s\",\"connections\":%ld,\"window\":%ld,\"rate\":%.0f,"
      "\"sent\":%llu,\"verified\":%llu,\"mismatches\":%llu,\"lost\":%llu,\"late\":%llu,\"unanswered\":%llu,\"errors\":%llu,"
      "\"seconds\":%.3f,\"rps\":%.0f,"
      "\"latency\":{\"samples\":%llu,\"p50\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f,\"mean\":%.1f},"
      "\"loadCpuPercent\":%.1f,\"loadWaitPercent\":%.1f,\"serverCpuPercent\":%s,\"serverWaitPercent\":%s,\"maxBacklog\":%llu}\n",
      opt.udp ? "udp" : "tcp", opt.connections, opt.window, opt.rate,
      (unsigned long long)n.sent, (unsigned long long)n.verified, (unsigned long long)n.mismatches, (unsigned long long)n.lost,
      (unsigned long long)n.late, (unsigned long long)n.unanswered, (unsigned long long)n.errors,
      seconds, (double)n.verified / seconds,
      (unsigned long long)hist_count, percentile_us(0.5), percentile_us(0.99), percentile_us(0.999), (double)hist_max / 1000.0,
      hist_count == 0 ? 0.0 : hist_sum / (double)hist_count / 1000.0,
      (double)(run1 - run0) / 1e9 / wall * 100, (double)(wait1 - wait0) / 1e9 / wall * 100, server_cpu, server_wait,
      (unsigned long long)n.max_backlog);
  return n.mismatches == 0 && n.errors == 0 && n.unanswered == 0 ? 0 : 1;
}
