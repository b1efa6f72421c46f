// SPDX-License-Identifier: Apache-2.0
// confab-bench: the load generator of issue 5. One thread, one epoll loop, raw non-blocking
// sockets and a hand-written WebSocket client (frames masked with one key chosen at start,
// parsed in place). It speaks three dialects so that the same code drives every system:
//   confab  - PROTOCOL.md (hello, join, publish, msg, synced, history) at /ws
//   sio     - Socket.IO 4 over Engine.IO v4 WebSocket (`0{…}`, `40`, `42[…]`, `43<id>[…]`, 2/3)
//   ws      - a raw relay: every text frame is a message
// Scenarios: fanout, connections, storm, durable, history, soak (issue 15), and floor (no server,
// two threads: the cost of bare loopback sends, see runFloor). Each prints one JSON object on
// stdout and progress on stderr. The generator measures its own CPU (getrusage) per delivery and
// says when it was saturated, so that a result limited by the generator is never taken for one
// limited by the server.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

namespace {

// ---- small helpers ------------------------------------------------------------------------

int64_t nowNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

constexpr int64_t kNsPerS = 1000000000;
constexpr int64_t kNsPerMs = 1000000;

void logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void logf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    std::fputs("confab-bench: ", stderr);
    std::vfprintf(stderr, fmt, args);
    std::fputc('\n', stderr);
    va_end(args);
}

[[noreturn]] void die(const char *what)
{
    logf("fatal: %s", what);
    std::exit(2);
}

int64_t cpuSelfNs()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return (int64_t(ru.ru_utime.tv_sec) + ru.ru_stime.tv_sec) * kNsPerS +
           (int64_t(ru.ru_utime.tv_usec) + ru.ru_stime.tv_usec) * 1000;
}

/// utime + stime of a process (all its threads) from /proc, in ns; -1 when unreadable.
int64_t cpuOfPidNs(int pid)
{
    if (pid <= 0)
        return -1;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = std::fopen(path, "r");
    if (!f)
        return -1;
    char buf[2048];
    const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = 0;
    const char *p = std::strrchr(buf, ')'); // the command name may hold spaces
    if (!p)
        return -1;
    // Fields after ")": 3 state ... 14 utime 15 stime.
    unsigned long long utime = 0, stime = 0;
    int field = 2;
    for (const char *q = p + 1; *q && field < 15; ++q) {
        if (*q == ' ') {
            ++field;
            if (field == 14)
                utime = std::strtoull(q + 1, nullptr, 10);
            else if (field == 15)
                stime = std::strtoull(q + 1, nullptr, 10);
        }
    }
    const long hz = sysconf(_SC_CLK_TCK);
    return int64_t((utime + stime) * (kNsPerS / hz));
}

/// Time CPU `cpu` spent in hard and soft interrupts, in ns, from /proc/stat; -1 when unknown.
/// Loopback delivery runs the receiver's TCP work in softirq on the sender's core; with IRQ
/// time accounting that time is not in the sender's utime + stime.
int64_t irqNsOfCpu(int cpu)
{
    if (cpu < 0)
        return -1;
    FILE *f = std::fopen("/proc/stat", "r");
    if (!f)
        return -1;
    char line[512];
    char want[16];
    const int wantLen = std::snprintf(want, sizeof want, "cpu%d ", cpu);
    int64_t ns = -1;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, want, size_t(wantLen)) != 0)
            continue;
        unsigned long long v[7] = {};
        if (std::sscanf(line + wantLen, "%llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                        &v[3], &v[4], &v[5], &v[6]) == 7)
            ns = int64_t((v[5] + v[6]) * (kNsPerS / sysconf(_SC_CLK_TCK)));
        break;
    }
    std::fclose(f);
    return ns;
}

/// VmRSS of a process in KiB; -1 when unreadable.
int64_t rssKib(int pid)
{
    if (pid <= 0)
        return -1;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = std::fopen(path, "r");
    if (!f)
        return -1;
    char line[256];
    int64_t kib = -1;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "VmRSS:", 6) == 0) {
            kib = std::strtoll(line + 6, nullptr, 10);
            break;
        }
    }
    std::fclose(f);
    return kib;
}

/// Finds `"key":` in a JSON text and parses the integer after it.
bool jsonInt(std::string_view json, std::string_view key, int64_t *out, size_t from = 0)
{
    char pattern[64];
    const int len =
        std::snprintf(pattern, sizeof pattern, "\"%.*s\":", int(key.size()), key.data());
    const size_t at = json.find(std::string_view(pattern, size_t(len)), from);
    if (at == std::string_view::npos)
        return false;
    size_t i = at + size_t(len);
    bool negative = false;
    if (i < json.size() && json[i] == '-') {
        negative = true;
        ++i;
    }
    if (i >= json.size() || json[i] < '0' || json[i] > '9')
        return false;
    int64_t v = 0;
    while (i < json.size() && json[i] >= '0' && json[i] <= '9')
        v = v * 10 + (json[i++] - '0');
    *out = negative ? -v : v;
    return true;
}

/// Finds `"key":"` and returns the string up to the next quote (no escapes expected).
bool jsonStr(std::string_view json, std::string_view key, std::string_view *out)
{
    char pattern[64];
    const int len =
        std::snprintf(pattern, sizeof pattern, "\"%.*s\":\"", int(key.size()), key.data());
    const size_t at = json.find(std::string_view(pattern, size_t(len)));
    if (at == std::string_view::npos)
        return false;
    const size_t begin = at + size_t(len);
    const size_t end = json.find('"', begin);
    if (end == std::string_view::npos)
        return false;
    *out = json.substr(begin, end - begin);
    return true;
}

/// Latency histogram: 1 µs buckets up to 100 ms, 100 µs buckets up to 10 s, then overflow.
class Histogram
{
public:
    Histogram()
        : m_fine(100000, 0)
        , m_coarse(99000, 0)
    {}
    void add(int64_t ns)
    {
        const int64_t us = std::max<int64_t>(ns / 1000, 0);
        ++m_count;
        m_max = std::max(m_max, us);
        m_sum += double(us);
        if (us < 100000)
            ++m_fine[size_t(us)];
        else if (us < 10000000)
            ++m_coarse[size_t((us - 100000) / 100)];
        else
            ++m_over;
    }
    uint64_t count() const { return m_count; }
    double maxMs() const { return double(m_max) / 1000.0; }
    double meanMs() const { return m_count ? m_sum / double(m_count) / 1000.0 : 0.0; }
    double percentileMs(double p) const
    {
        if (m_count == 0)
            return 0.0;
        const auto rank = uint64_t(std::ceil(p / 100.0 * double(m_count)));
        uint64_t seen = 0;
        for (size_t i = 0; i < m_fine.size(); ++i) {
            seen += m_fine[i];
            if (seen >= rank)
                return double(i) / 1000.0;
        }
        for (size_t i = 0; i < m_coarse.size(); ++i) {
            seen += m_coarse[i];
            if (seen >= rank)
                return (100000.0 + double(i) * 100.0) / 1000.0;
        }
        return maxMs();
    }
    void reset() { *this = Histogram(); }

private:
    std::vector<uint64_t> m_fine;
    std::vector<uint64_t> m_coarse;
    uint64_t m_over = 0;
    uint64_t m_count = 0;
    int64_t m_max = 0;
    double m_sum = 0;
};

/// A tiny JSON object writer for the results.
class Json
{
public:
    Json &key(const char *k)
    {
        comma();
        m_s += '"';
        m_s += k;
        m_s += "\":";
        m_needComma = false;
        return *this;
    }
    Json &num(double v)
    {
        comma();
        char buf[64];
        if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
            std::snprintf(buf, sizeof buf, "%.0f", v);
        else if (std::isfinite(v))
            std::snprintf(buf, sizeof buf, "%.4g", v);
        else
            std::snprintf(buf, sizeof buf, "null");
        m_s += buf;
        m_needComma = true;
        return *this;
    }
    Json &str(std::string_view v)
    {
        comma();
        m_s += '"';
        m_s += v;
        m_s += '"';
        m_needComma = true;
        return *this;
    }
    Json &boolean(bool v)
    {
        comma();
        m_s += v ? "true" : "false";
        m_needComma = true;
        return *this;
    }
    Json &open(char c)
    {
        comma();
        m_s += c;
        m_needComma = false;
        return *this;
    }
    Json &close(char c)
    {
        m_s += c;
        m_needComma = true;
        return *this;
    }
    const std::string &text() const { return m_s; }

private:
    void comma()
    {
        if (m_needComma)
            m_s += ',';
        m_needComma = false;
    }
    std::string m_s;
    bool m_needComma = false;
};

// ---- options ------------------------------------------------------------------------------

class Options
{
public:
    Options(int argc, char **argv)
    {
        for (int i = 2; i < argc; ++i) {
            std::string a = argv[i];
            if (a.rfind("--", 0) != 0)
                die("options look like --name value");
            a = a.substr(2);
            const auto eq = a.find('=');
            if (eq != std::string::npos)
                m_values[a.substr(0, eq)] = a.substr(eq + 1);
            else if (i + 1 < argc && std::strncmp(argv[i + 1], "--", 2) != 0)
                m_values[a] = argv[++i];
            else
                m_values[a] = "1";
        }
    }
    std::string str(const std::string &name, const std::string &fallback) const
    {
        auto it = m_values.find(name);
        return it == m_values.end() ? fallback : it->second;
    }
    double num(const std::string &name, double fallback) const
    {
        auto it = m_values.find(name);
        return it == m_values.end() ? fallback : std::strtod(it->second.c_str(), nullptr);
    }
    std::vector<double> list(const std::string &name, const std::string &fallback) const
    {
        std::vector<double> out;
        const std::string s = str(name, fallback);
        size_t at = 0;
        while (at < s.size()) {
            size_t end = s.find(',', at);
            if (end == std::string::npos)
                end = s.size();
            if (end > at)
                out.push_back(std::strtod(s.substr(at, end - at).c_str(), nullptr));
            at = end + 1;
        }
        return out;
    }

private:
    std::map<std::string, std::string> m_values;
};

// ---- the client engine --------------------------------------------------------------------

enum class Proto { Confab, SocketIo, Ws };

enum class Stage { Idle, Connecting, Upgrading, Open, Closed };

enum class Pending { Register, Hello, Join, Publish, History, Create };

struct Request
{
    int64_t id;
    Pending kind;
    int64_t sentNs;
};

struct User
{
    std::string name;
    std::string token;
};

struct Conn
{
    int index = 0;
    uint32_t generation = 0;
    int fd = -1;
    Stage stage = Stage::Idle;
    bool ready = false;  ///< signed in, joined (where asked) and synced
    bool failed = false; ///< gave up (connect error, error reply, closed unexpectedly)
    int closeCode = 0;
    std::vector<char> in;
    size_t inHead = 0;
    std::string out;
    size_t outHead = 0;
    bool writeArmed = false;
    std::string fragment;
    // What to do once open.
    int user = -1;
    std::string join; ///< channel (confab) or room (sio) to join; empty: none
    bool useSince = false;
    bool registerFirst = false;
    // Protocol state.
    int64_t nextId = 1;
    std::deque<Request> pending;
    int64_t lastSeq = 0;              ///< confab: newest seq seen in `join`
    bool checkSeq = false;            ///< confab: each msg must be lastSeq + 1
    std::vector<int32_t> lastCounter; ///< per publisher: newest counter seen
    int64_t startNs = 0;
    int64_t readyNs = 0;
    int64_t syncedNs = 0;
    uint64_t delivered = 0;
};

class Engine
{
public:
    Proto proto = Proto::Confab;
    std::string host = "127.0.0.1";
    int port = 0;
    int serverPid = 0;
    int serverCpu = -1;    ///< the core the server is pinned to (for its softirq time)
    bool quickAck = false; ///< TCP_QUICKACK after each read (diagnosis of delayed-ACK waits)
    std::string password = "bench-password-1";
    std::vector<User> users;
    std::vector<std::unique_ptr<Conn>> conns;
    int maxInflight = 256;
    int publishers = 0;   ///< size of every Conn::lastCounter
    bool seqCheck = true; ///< confab: check that msgs arrive gapless after the first join

    // Counters (reset per measured step by the scenarios).
    bool measuring = false;
    Histogram latency;    ///< delivery latency (intended send time to arrival)
    Histogram ackLatency; ///< publish to ack
    Histogram reqLatency; ///< history and rewind requests
    uint64_t deliveries = 0;
    uint64_t deliveriesAll = 0;
    uint64_t violations = 0; ///< duplicate, reordered or skipped (counter or seq)
    uint64_t acks = 0;
    uint64_t errors = 0;
    uint64_t closedUnexpectedly = 0;
    int64_t maxAckedSeq = 0;
    std::function<void(Conn &, int64_t latencyNs)> onRequestDone; ///< history/join/create
    std::function<void(Conn &)> onAck;
    // The soak scenario speaks the protocol itself (many channels per connection): when set,
    // onOpened replaces the built-in hello, onConfabText every confab text frame, and onLost
    // hears of each connection the server or the network ended (after it was dropped).
    std::function<void(Conn &)> onOpened;
    std::function<void(Conn &, std::string_view)> onConfabText;
    std::function<void(Conn &)> onLost;

    // Open-loop publishing: message k is due at t0 + k / rate and goes out from publisher
    // k % pubs.size(). Timestamps in the text are the intended send time, so a late send
    // shows up as latency (no coordinated omission).
    struct Schedule
    {
        bool active = false;
        double rate = 0;
        int64_t t0 = 0;
        int64_t k = 0;
        int64_t maxLagNs = 0;
        int64_t limit = -1; ///< stop after this many messages in all (-1: no limit)
    } schedule;
    std::vector<int> pubs;            ///< conn indices of the publishers
    std::vector<int32_t> sentCounter; ///< per publisher: counters 0..n-1 sent
    std::string runTag;
    int textBytes = 100;

    Engine()
    {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        m_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = ~uint64_t(0);
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_timer, &ev);
        std::random_device rd;
        const uint32_t key = rd() | 0x01010101u; // a non-zero mask in every byte
        std::memcpy(m_mask, &key, 4);
        m_readBuf.resize(256 * 1024);
        char tag[32];
        std::snprintf(tag, sizeof tag, "%x", unsigned(rd()));
        runTag = tag;
    }

    Conn &add()
    {
        conns.push_back(std::make_unique<Conn>());
        Conn &c = *conns.back();
        c.index = int(conns.size()) - 1;
        c.lastCounter.assign(size_t(publishers), -1);
        return c;
    }

    /// Queues a connection attempt; at most maxInflight handshakes run at once.
    void start(Conn &c)
    {
        c.ready = false;
        c.failed = false;
        c.stage = Stage::Idle;
        m_queue.push_back(c.index);
        pump();
    }

    /// Drops a connection abruptly (no close frame), like a lost network.
    void drop(Conn &c)
    {
        if (c.fd >= 0) {
            linger lg{1, 0};
            setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            ::close(c.fd);
        }
        if (c.stage == Stage::Connecting || c.stage == Stage::Upgrading ||
            (c.stage == Stage::Open && !c.ready))
            --m_inflight;
        c.fd = -1;
        ++c.generation;
        c.stage = Stage::Closed;
        c.ready = false;
        c.in.clear();
        c.inHead = 0;
        c.out.clear();
        c.outHead = 0;
        c.writeArmed = false;
        c.fragment.clear();
        c.pending.clear();
    }

    /// Runs the loop until `done()` or the timeout; false on timeout.
    bool runUntil(const std::function<bool()> &done, double timeoutS)
    {
        const int64_t deadline = nowNs() + int64_t(timeoutS * kNsPerS);
        epoll_event events[512];
        while (!done()) {
            const int64_t now = nowNs();
            if (now >= deadline)
                return false;
            tick(now);
            int waitMs = int(std::min<int64_t>((deadline - now) / kNsPerMs + 1, 100));
            armTimer();
            const int n = epoll_wait(m_epoll, events, 512, waitMs);
            if (n < 0 && errno != EINTR)
                die("epoll_wait");
            for (int i = 0; i < n; ++i)
                dispatch(events[i]);
            pump();
        }
        return true;
    }

    void sendText(Conn &c, std::string_view payload) { sendFrame(c, 0x1, payload); }

    // ---- protocol requests ----

    void confabRequest(Conn &c, Pending kind, const std::string &bodyAfterId)
    {
        const int64_t id = c.nextId++;
        std::string s;
        s.reserve(bodyAfterId.size() + 48);
        s += "{\"t\":\"";
        s += kindName(kind);
        s += "\",\"id\":";
        s += std::to_string(id);
        s += bodyAfterId;
        s += '}';
        c.pending.push_back({id, kind, nowNs()});
        sendText(c, s);
    }

    /// Sends one open-loop message from publisher `p` with counter `counter`.
    void publish(int p, int32_t counter, int64_t intendedNs)
    {
        Conn &c = *conns[size_t(pubs[size_t(p)])];
        if (c.stage != Stage::Open)
            return;
        char text[512];
        int n = std::snprintf(text, sizeof text, "b|%d|%d|%" PRId64 "|", p, counter, intendedNs);
        while (n < textBytes && n < int(sizeof text) - 1)
            text[n++] = 'x';
        const std::string_view body(text, size_t(n));
        std::string s;
        s.reserve(size_t(n) + 128);
        if (proto == Proto::Confab) {
            const int64_t id = c.nextId++;
            s += "{\"t\":\"publish\",\"id\":";
            s += std::to_string(id);
            s += ",\"channel\":\"";
            s += c.join;
            s += "\",\"cid\":\"";
            s += runTag;
            s += '-';
            s += std::to_string(c.index);
            s += '-';
            s += std::to_string(counter);
            s += "\",\"text\":\"";
            s += body;
            s += "\"}";
            c.pending.push_back({id, Pending::Publish, intendedNs});
        } else if (proto == Proto::SocketIo) {
            const int64_t id = c.nextId++;
            s += "42";
            s += std::to_string(id);
            s += "[\"publish\",\"";
            s += body;
            s += "\"]";
            c.pending.push_back({id, Pending::Publish, intendedNs});
        } else {
            s += body;
        }
        sendText(c, s);
    }

    /// Closed-loop publish (durable scenario): counter-free text, ack measured.
    void publishPlain(Conn &c, const std::string &channel)
    {
        static uint64_t serial = 0;
        ++serial;
        std::string body = "{\"channel\":\"" + channel + "\",\"cid\":\"" + runTag + "-d" +
                           std::to_string(serial) + "\",\"text\":\"durable ";
        body.append(size_t(std::max(1, textBytes - 8)), 'y');
        body += "\"";
        confabRequest(c, Pending::Publish, "," + body.substr(1, body.size() - 1));
    }

    uint64_t totalSent() const
    {
        uint64_t n = 0;
        for (int32_t v : sentCounter)
            n += uint64_t(v);
        return n;
    }

    /// Messages that some receiver has not got yet (receivers: ready conns with counters).
    uint64_t missing(const std::vector<int> &receivers) const
    {
        uint64_t miss = 0;
        for (int r : receivers) {
            const Conn &c = *conns[size_t(r)];
            for (size_t p = 0; p < sentCounter.size(); ++p)
                miss += uint64_t(std::max(0, sentCounter[p] - 1 - c.lastCounter[p]));
        }
        return miss;
    }

    void startSchedule(double rate)
    {
        schedule.active = true;
        schedule.rate = rate;
        schedule.t0 = nowNs();
        schedule.k = 0;
        schedule.maxLagNs = 0;
    }
    void stopSchedule() { schedule.active = false; }

    int inflight() const { return m_inflight; }

    /// Ends the handshake slot of a connection the caller signed in itself (onOpened).
    void markReady(Conn &c) { becameReady(c); }

    /// Forgets a connection without closing its socket, like a laptop that went to sleep:
    /// returns the socket (no longer watched; the caller closes it later), or -1.
    int detach(Conn &c)
    {
        if (c.fd < 0)
            return -1;
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
        const int kept = ::dup(c.fd);
        // drop() would reset the socket through the duplicate too: close ours plainly.
        ::close(c.fd);
        c.fd = -1;
        drop(c);
        return kept;
    }

private:
    static const char *kindName(Pending kind)
    {
        switch (kind) {
        case Pending::Register:
            return "register";
        case Pending::Hello:
            return "hello";
        case Pending::Join:
            return "join";
        case Pending::Publish:
            return "publish";
        case Pending::History:
            return "history";
        case Pending::Create:
            return "create";
        }
        return "?";
    }

    void tick(int64_t now)
    {
        if (!schedule.active || pubs.empty())
            return;
        const double interval = double(kNsPerS) / schedule.rate;
        for (int burst = 0; burst < 100000; ++burst) {
            if (schedule.limit >= 0 && int64_t(totalSent()) >= schedule.limit)
                break;
            const int64_t due = schedule.t0 + int64_t(double(schedule.k) * interval);
            if (due > now)
                break;
            schedule.maxLagNs = std::max(schedule.maxLagNs, now - due);
            const int p = int(schedule.k % int64_t(pubs.size()));
            publish(p, sentCounter[size_t(p)]++, due);
            ++schedule.k;
        }
    }

    void armTimer()
    {
        if (!schedule.active)
            return;
        const double interval = double(kNsPerS) / schedule.rate;
        const int64_t due = schedule.t0 + int64_t(double(schedule.k) * interval);
        if (due == m_armedFor)
            return;
        m_armedFor = due;
        itimerspec its{};
        its.it_value.tv_sec = due / kNsPerS;
        its.it_value.tv_nsec = due % kNsPerS;
        timerfd_settime(m_timer, TFD_TIMER_ABSTIME, &its, nullptr);
    }

    void pump()
    {
        while (m_inflight < maxInflight && !m_queue.empty()) {
            const int index = m_queue.front();
            m_queue.pop_front();
            open(*conns[size_t(index)]);
        }
    }

    void open(Conn &c)
    {
        c.startNs = nowNs();
        c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c.fd < 0) {
            logf("socket: %s", std::strerror(errno));
            c.failed = true;
            c.stage = Stage::Closed;
            return;
        }
        const int one = 1;
        setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(uint16_t(port));
        inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
        ++m_inflight;
        c.stage = Stage::Connecting;
        const int rc = connect(c.fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.u64 = (uint64_t(c.generation) << 32) | uint32_t(c.index);
        c.writeArmed = true;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &ev);
        if (rc < 0 && errno != EINPROGRESS)
            fail(c, "connect");
    }

    void fail(Conn &c, const char *why)
    {
        if (!c.failed && m_failLogs < 10) {
            ++m_failLogs;
            logf("connection %d failed: %s (%s)", c.index, why, std::strerror(errno));
        }
        const bool wasReady = c.ready;
        drop(c);
        c.failed = true;
        if (wasReady)
            ++closedUnexpectedly;
        if (onLost)
            onLost(c);
    }

    void becameReady(Conn &c)
    {
        if (c.ready)
            return;
        c.ready = true;
        c.readyNs = nowNs();
        --m_inflight;
    }

    void dispatch(const epoll_event &ev)
    {
        if (ev.data.u64 == ~uint64_t(0)) {
            uint64_t expirations;
            [[maybe_unused]] auto r = read(m_timer, &expirations, sizeof expirations);
            m_armedFor = -1;
            return;
        }
        const auto index = uint32_t(ev.data.u64 & 0xffffffffu);
        const auto generation = uint32_t(ev.data.u64 >> 32);
        if (index >= conns.size())
            return;
        Conn &c = *conns[index];
        if (c.generation != generation || c.fd < 0)
            return;
        if (c.stage == Stage::Connecting) {
            if (!(ev.events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
                return;
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) {
                errno = err;
                fail(c, "connect");
                return;
            }
            c.stage = Stage::Upgrading;
            setWriteArmed(c, false);
            sendUpgrade(c);
            return;
        }
        if (ev.events & EPOLLOUT)
            flush(c);
        if (c.fd >= 0 && (ev.events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
            readable(c);
    }

    void setWriteArmed(Conn &c, bool on)
    {
        if (c.writeArmed == on || c.fd < 0)
            return;
        c.writeArmed = on;
        epoll_event ev{};
        ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
        ev.data.u64 = (uint64_t(c.generation) << 32) | uint32_t(c.index);
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
    }

    void writeRaw(Conn &c, const char *data, size_t size)
    {
        if (c.fd < 0)
            return;
        if (c.outHead == c.out.size()) {
            const ssize_t n = ::send(c.fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n == ssize_t(size))
                return;
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                fail(c, "send");
                return;
            }
            const size_t sent = n > 0 ? size_t(n) : 0;
            c.out.assign(data + sent, size - sent);
            c.outHead = 0;
            setWriteArmed(c, true);
            return;
        }
        c.out.append(data, size);
    }

    void flush(Conn &c)
    {
        while (c.outHead < c.out.size()) {
            const ssize_t n = ::send(c.fd, c.out.data() + c.outHead, c.out.size() - c.outHead,
                                     MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    return;
                fail(c, "send");
                return;
            }
            c.outHead += size_t(n);
        }
        c.out.clear();
        c.outHead = 0;
        setWriteArmed(c, false);
    }

    void sendFrame(Conn &c, uint8_t opcode, std::string_view payload)
    {
        char head[14];
        size_t h = 0;
        head[h++] = char(0x80 | opcode);
        const size_t len = payload.size();
        if (len < 126) {
            head[h++] = char(0x80 | len);
        } else if (len <= 0xffff) {
            head[h++] = char(0x80 | 126);
            head[h++] = char(len >> 8);
            head[h++] = char(len & 0xff);
        } else {
            head[h++] = char(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8)
                head[h++] = char((uint64_t(len) >> shift) & 0xff);
        }
        std::memcpy(head + h, m_mask, 4);
        h += 4;
        m_frame.resize(h + len);
        std::memcpy(m_frame.data(), head, h);
        char *dst = m_frame.data() + h;
        const char *src = payload.data();
        for (size_t i = 0; i < len; ++i)
            dst[i] = char(src[i] ^ m_mask[i & 3]);
        writeRaw(c, m_frame.data(), m_frame.size());
    }

    void sendUpgrade(Conn &c)
    {
        std::string req = "GET ";
        req += proto == Proto::SocketIo ? "/socket.io/?EIO=4&transport=websocket" : "/ws";
        req += " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(port) +
               "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
        if (proto != Proto::SocketIo)
            req += "Sec-WebSocket-Protocol: confab.v1\r\n";
        req += "\r\n";
        writeRaw(c, req.data(), req.size());
    }

    void readable(Conn &c)
    {
        const ssize_t n = ::recv(c.fd, m_readBuf.data(), m_readBuf.size(), MSG_DONTWAIT);
        if (n == 0) {
            if (c.stage == Stage::Open && c.closeCode == 0)
                c.closeCode = 1006;
            errno = 0;
            fail(c, "closed by server");
            return;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                return;
            fail(c, "recv");
            return;
        }
        if (quickAck) {
            const int one = 1;
            setsockopt(c.fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
        }
        const char *data = m_readBuf.data();
        size_t size = size_t(n);
        // Fast path: nothing buffered, parse straight from the read buffer.
        if (c.inHead == c.in.size()) {
            c.in.clear();
            c.inHead = 0;
            const size_t used = consume(c, data, size);
            if (c.fd >= 0 && used < size)
                c.in.assign(data + used, data + size);
            return;
        }
        c.in.insert(c.in.end(), data, data + size);
        const size_t used = consume(c, c.in.data() + c.inHead, c.in.size() - c.inHead);
        if (c.fd < 0)
            return;
        c.inHead += used;
        if (c.inHead == c.in.size()) {
            c.in.clear();
            c.inHead = 0;
        }
    }

    /// Parses as much as possible; returns bytes consumed.
    size_t consume(Conn &c, const char *data, size_t size)
    {
        size_t at = 0;
        const uint32_t generation = c.generation;
        if (c.stage == Stage::Upgrading) {
            const std::string_view view(data, size);
            const size_t end = view.find("\r\n\r\n");
            if (end == std::string_view::npos)
                return 0;
            if (view.substr(0, 12) != "HTTP/1.1 101") {
                errno = 0;
                fail(c, "upgrade refused");
                return size;
            }
            c.stage = Stage::Open;
            at = end + 4;
            onOpen(c);
            if (c.generation != generation)
                return size;
        }
        while (at + 2 <= size) {
            const auto b0 = uint8_t(data[at]);
            const auto b1 = uint8_t(data[at + 1]);
            uint64_t len = b1 & 0x7f;
            size_t h = 2;
            if (len == 126) {
                if (at + 4 > size)
                    break;
                len = (uint64_t(uint8_t(data[at + 2])) << 8) | uint8_t(data[at + 3]);
                h = 4;
            } else if (len == 127) {
                if (at + 10 > size)
                    break;
                len = 0;
                for (int i = 0; i < 8; ++i)
                    len = (len << 8) | uint8_t(data[at + 2 + size_t(i)]);
                h = 10;
            }
            if (at + h + len > size)
                break;
            const std::string_view payload(data + at + h, size_t(len));
            at += h + size_t(len);
            const uint8_t opcode = b0 & 0x0f;
            const bool fin = b0 & 0x80;
            if (opcode == 0x9) {
                sendFrame(c, 0xA, payload);
            } else if (opcode == 0x8) {
                c.closeCode =
                    payload.size() >= 2 ? (uint8_t(payload[0]) << 8 | uint8_t(payload[1])) : 1005;
                if (m_failLogs < 10)
                    logf("connection %d closed by server with %d", c.index, c.closeCode);
                errno = 0;
                fail(c, "close frame");
                return size;
            } else if (opcode == 0x1 || opcode == 0x0) {
                if (!fin || !c.fragment.empty()) {
                    c.fragment.append(payload);
                    if (!fin)
                        continue;
                    const std::string whole = std::move(c.fragment);
                    c.fragment.clear();
                    onText(c, whole);
                } else {
                    onText(c, payload);
                }
            }
            if (c.generation != generation)
                return size;
        }
        return at;
    }

    // ---- protocol logic ----

    void onOpen(Conn &c)
    {
        if (proto == Proto::Ws) {
            becameReady(c);
            return;
        }
        if (proto == Proto::Confab && onOpened) {
            onOpened(c);
            return;
        }
        if (proto == Proto::Confab)
            sendHello(c);
        // Socket.IO: wait for the Engine.IO open packet.
    }

    void sendHello(Conn &c)
    {
        User &u = users[size_t(c.user)];
        if (c.registerFirst) {
            // hello waits for the reply: the server hashes off its event loop.
            confabRequest(c, Pending::Register,
                          ",\"user\":\"" + u.name + "\",\"password\":\"" + password + "\"");
            c.registerFirst = false;
            return;
        }
        if (!u.token.empty())
            confabRequest(c, Pending::Hello,
                          ",\"v\":1,\"auth\":{\"token\":\"" + u.token +
                              "\"},\"client\":\"confab-bench/1\"");
        else
            confabRequest(c, Pending::Hello,
                          ",\"v\":1,\"auth\":{\"user\":\"" + u.name + "\",\"password\":\"" +
                              password + "\"},\"client\":\"confab-bench/1\"");
    }

    void sendJoin(Conn &c)
    {
        std::string body = ",\"channel\":\"" + c.join + "\"";
        if (c.useSince)
            body += ",\"since\":" + std::to_string(c.lastSeq);
        confabRequest(c, Pending::Join, body);
    }

    void onText(Conn &c, std::string_view text)
    {
        switch (proto) {
        case Proto::Confab:
            if (onConfabText)
                onConfabText(c, text);
            else
                onConfab(c, text);
            break;
        case Proto::SocketIo:
            onSocketIo(c, text);
            break;
        case Proto::Ws:
            onDelivery(c, -1, text);
            break;
        }
    }

    void onConfab(Conn &c, std::string_view text)
    {
        // Every server object starts with its type: {"t":"…".
        if (text.substr(0, 6) != "{\"t\":\"")
            return;
        const std::string_view rest = text.substr(6);
        if (rest.substr(0, 4) == "msg\"") {
            int64_t seq = -1;
            jsonInt(text, "seq", &seq);
            std::string_view body;
            if (!jsonStr(text, "text", &body))
                body = {};
            onDelivery(c, seq, body);
        } else if (rest.substr(0, 6) == "reply\"") {
            int64_t id = 0;
            jsonInt(text, "id", &id);
            onReply(c, id, text);
        } else if (rest.substr(0, 7) == "synced\"") {
            int64_t first = 0, last = 0;
            jsonInt(text, "first_seq", &first);
            jsonInt(text, "last_seq", &last);
            if (c.checkSeq && first > c.lastSeq + 1) {
                if (m_failLogs < 10) {
                    ++m_failLogs;
                    logf("connection %d: gap announced %" PRId64 "..%" PRId64, c.index,
                         c.lastSeq + 1, first - 1);
                }
                ++violations;
            }
            if (c.lastSeq < last && !c.checkSeq)
                c.lastSeq = last;
            c.syncedNs = nowNs();
            if (onRequestDone && c.ready)
                onRequestDone(c, c.syncedNs - m_joinSentNs[c.index]);
            c.checkSeq = seqCheck;
            becameReady(c);
        }
    }

    void onReply(Conn &c, int64_t id, std::string_view text)
    {
        if (c.pending.empty() || c.pending.front().id != id) {
            ++errors;
            return;
        }
        const Request req = c.pending.front();
        c.pending.pop_front();
        const bool ok = text.find("\"ok\":") != std::string_view::npos &&
                        text.find("\"error\":{") == std::string_view::npos;
        const int64_t now = nowNs();
        if (!ok) {
            if (req.kind == Pending::Register &&
                text.find("\"conflict\"") != std::string_view::npos) {
                sendHello(c); // the account exists already: fine
                return;
            }
            ++errors;
            if (m_errorLogs < 10) {
                ++m_errorLogs;
                logf("connection %d: error reply: %.*s", c.index,
                     int(std::min<size_t>(text.size(), 300)), text.data());
            }
            if (req.kind == Pending::Hello || req.kind == Pending::Join) {
                errno = 0;
                fail(c, "request refused");
            }
            return;
        }
        switch (req.kind) {
        case Pending::Register:
            sendHello(c);
            break;
        case Pending::Hello: {
            std::string_view token;
            if (jsonStr(text, "token", &token))
                users[size_t(c.user)].token = std::string(token);
            if (!c.join.empty()) {
                m_joinSentNs[c.index] = now;
                sendJoin(c);
            } else {
                becameReady(c);
            }
            break;
        }
        case Pending::Join:
            break; // catch-up and synced follow
        case Pending::Publish: {
            ++acks;
            if (measuring)
                ackLatency.add(now - req.sentNs);
            int64_t seq = 0;
            if (jsonInt(text, "seq", &seq))
                maxAckedSeq = std::max(maxAckedSeq, seq);
            if (onAck)
                onAck(c);
            break;
        }
        case Pending::History:
        case Pending::Create:
            if (onRequestDone)
                onRequestDone(c, now - req.sentNs);
            break;
        }
    }

    void onSocketIo(Conn &c, std::string_view text)
    {
        if (text.empty())
            return;
        switch (text[0]) {
        case '0': // Engine.IO open: connect to the main namespace
            sendText(c, "40");
            return;
        case '2': // ping
            sendText(c, "3");
            return;
        case '4':
            break;
        default:
            return;
        }
        if (text.size() < 2)
            return;
        if (text[1] == '0') { // namespace connected
            if (!c.join.empty()) {
                const int64_t id = c.nextId++;
                c.pending.push_back({id, Pending::Join, nowNs()});
                sendText(c, "42" + std::to_string(id) + "[\"join\",\"" + c.join + "\"]");
            } else {
                becameReady(c);
            }
        } else if (text[1] == '2') { // event: 42["msg","…"]
            const size_t q = text.find("\"msg\",\"");
            if (q == std::string_view::npos)
                return;
            const size_t begin = q + 7;
            const size_t end = text.find('"', begin);
            onDelivery(c, -1, text.substr(begin, end == std::string_view::npos ? 0 : end - begin));
        } else if (text[1] == '3') { // ack: 43<id>[…]
            int64_t id = 0;
            size_t i = 2;
            while (i < text.size() && text[i] >= '0' && text[i] <= '9')
                id = id * 10 + (text[i++] - '0');
            if (c.pending.empty() || c.pending.front().id != id) {
                ++errors;
                return;
            }
            const Request req = c.pending.front();
            c.pending.pop_front();
            if (req.kind == Pending::Join) {
                becameReady(c);
            } else if (req.kind == Pending::Publish) {
                ++acks;
                if (measuring)
                    ackLatency.add(nowNs() - req.sentNs);
            }
        } else if (text[1] == '4') {
            ++errors;
            errno = 0;
            fail(c, "socket.io connect error");
        }
    }

    void onDelivery(Conn &c, int64_t seq, std::string_view body)
    {
        ++c.delivered;
        ++deliveriesAll;
        if (c.checkSeq && seq >= 0) {
            if (seq != c.lastSeq + 1) {
                ++violations;
                if (m_orderLogs < 10) {
                    ++m_orderLogs;
                    logf("connection %d: seq %" PRId64 " after %" PRId64, c.index, seq, c.lastSeq);
                }
            }
            if (seq > c.lastSeq)
                c.lastSeq = seq;
        }
        // "b|<publisher>|<counter>|<intended send ns>|xxxx"
        if (body.size() < 8 || body[0] != 'b' || body[1] != '|')
            return;
        const char *p = body.data() + 2;
        const char *end = body.data() + body.size();
        auto number = [&](int64_t *v) {
            int64_t x = 0;
            while (p < end && *p >= '0' && *p <= '9')
                x = x * 10 + (*p++ - '0');
            if (p < end && *p == '|')
                ++p;
            *v = x;
        };
        int64_t pub = 0, counter = 0, sentNs = 0;
        number(&pub);
        number(&counter);
        number(&sentNs);
        if (pub < 0 || size_t(pub) >= c.lastCounter.size())
            return;
        int32_t &last = c.lastCounter[size_t(pub)];
        if (counter != last + 1) {
            ++violations;
            if (m_orderLogs < 10) {
                ++m_orderLogs;
                logf("connection %d: publisher %" PRId64 " counter %" PRId64 " after %d", c.index,
                     pub, counter, last);
            }
        }
        if (counter > last)
            last = int32_t(counter);
        if (measuring) {
            ++deliveries;
            latency.add(nowNs() - sentNs);
        }
    }

public:
    std::map<int, int64_t> m_joinSentNs;
    void markJoinSent(Conn &c) { m_joinSentNs[c.index] = nowNs(); }
    void sendJoinNow(Conn &c)
    {
        markJoinSent(c);
        sendJoin(c);
    }

private:
    int m_epoll = -1;
    int m_timer = -1;
    int64_t m_armedFor = -1;
    unsigned char m_mask[4];
    std::vector<char> m_readBuf;
    std::string m_frame;
    std::deque<int> m_queue;
    int m_inflight = 0;
    int m_failLogs = 0;
    int m_errorLogs = 0;
    int m_orderLogs = 0;
};

// ---- scenario plumbing --------------------------------------------------------------------

Proto parseProto(const std::string &s)
{
    if (s == "confab")
        return Proto::Confab;
    if (s == "sio" || s == "socketio")
        return Proto::SocketIo;
    if (s == "ws")
        return Proto::Ws;
    die("--proto is confab, sio or ws");
}

void raiseFdLimit()
{
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

void setupEngine(Engine &e, const Options &o)
{
    e.proto = parseProto(o.str("proto", "confab"));
    const std::string url = o.str("server", "127.0.0.1:0");
    const auto colon = url.rfind(':');
    e.host = url.substr(0, colon);
    e.port = std::atoi(url.c_str() + colon + 1);
    if (e.host != "127.0.0.1" && e.host != "localhost")
        die("load traffic goes to loopback only (--server 127.0.0.1:PORT)");
    e.host = "127.0.0.1";
    e.serverPid = int(o.num("pid", 0));
    e.serverCpu = int(o.num("server-cpu", -1));
    e.quickAck = o.num("quickack", 0) != 0;
    e.maxInflight = int(o.num("inflight", 256));
    e.textBytes = int(o.num("text-bytes", 100));
}

/// Creates `count` accounts named PREFIX0.. and signs each in once to get a token
/// (confab only). Returns false when some failed.
bool makeUsers(Engine &e, const std::string &prefix, int count, std::vector<int> *ids)
{
    std::vector<int> setupConns;
    for (int i = 0; i < count; ++i) {
        e.users.push_back({prefix + std::to_string(i), {}});
        ids->push_back(int(e.users.size()) - 1);
    }
    if (e.proto != Proto::Confab)
        return true;
    for (int i = 0; i < count; ++i) {
        Conn &c = e.add();
        c.user = (*ids)[size_t(i)];
        c.registerFirst = true;
        setupConns.push_back(c.index);
        e.start(c);
    }
    const bool ok = e.runUntil(
        [&] {
            for (int i : setupConns) {
                const Conn &c = *e.conns[size_t(i)];
                if (!c.ready && !c.failed)
                    return false;
            }
            return true;
        },
        60);
    for (int i : setupConns) {
        Conn &c = *e.conns[size_t(i)];
        if (!c.ready)
            logf("account setup failed for %s", e.users[size_t(c.user)].name.c_str());
        e.drop(c);
        c.stage = Stage::Closed;
    }
    for (int id : *ids) {
        if (e.users[size_t(id)].token.empty())
            return false;
    }
    return ok;
}

bool allReadyOrFailed(const Engine &e, const std::vector<int> &group)
{
    for (int i : group) {
        const Conn &c = *e.conns[size_t(i)];
        if (!c.ready && !c.failed)
            return false;
    }
    return true;
}

int countReady(const Engine &e, const std::vector<int> &group)
{
    int n = 0;
    for (int i : group)
        n += e.conns[size_t(i)]->ready ? 1 : 0;
    return n;
}

const char *protoName(Proto p)
{
    return p == Proto::Confab ? "confab" : p == Proto::SocketIo ? "socketio" : "ws";
}

// ---- fan-out ------------------------------------------------------------------------------

int runFanout(const Options &o)
{
    Engine e;
    setupEngine(e, o);
    const int subs = int(o.num("subs", 1000));
    const int pubCount = int(o.num("pubs", 10));
    const auto rates = o.list("rates", "50,100,200");
    const double stepS = o.num("step-s", 4);
    const double warmS = o.num("warm-s", 1);
    const double drainS = o.num("drain-s", 3);
    const double p99LimitMs = o.num("p99-ms", 50);
    const int stopAfterFails = int(o.num("stop-after-fails", 1));
    const int userCount = std::max(1, std::min(int(o.num("users", 20)), subs + pubCount));
    const std::string channel = o.str("channel", "general");
    const bool assertOk = o.num("assert", 0) != 0;
    e.schedule.limit = int64_t(o.num("max-messages", -1));
    e.publishers = pubCount;

    std::vector<int> userIds;
    if (!makeUsers(e, "bf" + e.runTag + "u", userCount, &userIds))
        die("cannot create accounts (is --open-registration on?)");

    std::vector<int> receivers;
    const int64_t t0 = nowNs();
    for (int i = 0; i < subs + pubCount; ++i) {
        Conn &c = e.add();
        c.user = userIds[size_t(i) % userIds.size()];
        c.join = channel;
        receivers.push_back(c.index);
        if (i >= subs)
            e.pubs.push_back(c.index);
        e.start(c);
    }
    e.sentCounter.assign(size_t(pubCount), 0);
    e.runUntil([&] { return allReadyOrFailed(e, receivers); }, 120);
    const int ready = countReady(e, receivers);
    logf("%s fanout: %d/%zu connections joined in %.2f s", protoName(e.proto), ready,
         receivers.size(), double(nowNs() - t0) / 1e9);
    if (ready != int(receivers.size()))
        die("not every connection joined");
    // Let join-time presence traffic settle.
    e.runUntil([] { return false; }, 0.5);

    Json out;
    out.open('{');
    out.key("scenario").str("fanout");
    out.key("proto").str(protoName(e.proto));
    out.key("subs").num(subs);
    out.key("pubs").num(pubCount);
    out.key("receivers").num(double(receivers.size()));
    out.key("text_bytes").num(e.textBytes);
    out.key("steps").open('[');
    int fails = 0;
    double kneeRate = 0, kneeDeliveries = 0;
    bool allCorrect = true;
    for (double rate : rates) {
        e.latency.reset();
        e.ackLatency.reset();
        e.deliveries = 0;
        const uint64_t violations0 = e.violations;
        const uint64_t errors0 = e.errors;
        const uint64_t closed0 = e.closedUnexpectedly;
        const uint64_t sent0 = e.totalSent();
        e.startSchedule(rate);
        e.runUntil([] { return false; }, warmS);
        e.measuring = true;
        const int64_t w0 = nowNs();
        const int64_t server0 = cpuOfPidNs(e.serverPid);
        const int64_t irq0 = irqNsOfCpu(e.serverCpu);
        const int64_t self0 = cpuSelfNs();
        e.runUntil([] { return false; }, stepS);
        const int64_t w1 = nowNs();
        const int64_t server1 = cpuOfPidNs(e.serverPid);
        const int64_t irq1 = irqNsOfCpu(e.serverCpu);
        const int64_t self1 = cpuSelfNs();
        const uint64_t windowDeliveries = e.deliveries;
        e.stopSchedule();
        // Drain: late deliveries still count for latency, and every message must arrive.
        e.runUntil([&] { return e.missing(receivers) == 0; }, drainS);
        e.measuring = false;
        const uint64_t missing = e.missing(receivers);
        const double window = double(w1 - w0) / 1e9;
        const double deliveriesPerS = double(windowDeliveries) / window;
        const double serverUs = windowDeliveries && server0 >= 0
                                    ? double(server1 - server0) / 1000.0 / double(windowDeliveries)
                                    : 0;
        const double serverCpuPct =
            server0 >= 0 ? 100.0 * double(server1 - server0) / double(w1 - w0) : 0;
        const double irqUs = windowDeliveries && irq0 >= 0
                                 ? double(irq1 - irq0) / 1000.0 / double(windowDeliveries)
                                 : -1;
        const double genUs =
            windowDeliveries ? double(self1 - self0) / 1000.0 / double(windowDeliveries) : 0;
        const double genCpuPct = 100.0 * double(self1 - self0) / double(w1 - w0);
        const uint64_t sent = e.totalSent() - sent0;
        const double p99 = e.latency.percentileMs(99);
        const uint64_t violations = e.violations - violations0;
        const uint64_t errors = e.errors - errors0;
        const uint64_t closed = e.closedUnexpectedly - closed0;
        const bool correct = missing == 0 && violations == 0 && errors == 0 && closed == 0;
        const bool pass = correct && p99 < p99LimitMs;
        allCorrect = allCorrect && correct;
        logf(
            "%s rate %.0f/s: %.0f deliveries/s p50 %.2f p99 %.2f max %.2f ms, server %.2f us/deliv "
            "(%.0f%% CPU), generator %.2f us/deliv (%.0f%% CPU), missing %" PRIu64
            " violations %" PRIu64 " errors %" PRIu64 " closed %" PRIu64 " -> %s",
            protoName(e.proto), rate, deliveriesPerS, e.latency.percentileMs(50), p99,
            e.latency.maxMs(), serverUs, serverCpuPct, genUs, genCpuPct, missing, violations,
            errors, closed, pass ? "pass" : "FAIL");
        out.open('{');
        out.key("rate").num(rate);
        out.key("sent").num(double(sent));
        out.key("deliveries_per_s").num(std::round(deliveriesPerS));
        out.key("p50_ms").num(e.latency.percentileMs(50));
        out.key("p90_ms").num(e.latency.percentileMs(90));
        out.key("p99_ms").num(p99);
        out.key("max_ms").num(e.latency.maxMs());
        out.key("ack_p99_ms").num(e.ackLatency.percentileMs(99));
        out.key("server_us_per_delivery").num(serverUs);
        out.key("server_cpu_pct").num(serverCpuPct);
        out.key("server_core_irq_us_per_delivery").num(irqUs);
        out.key("gen_us_per_delivery").num(genUs);
        out.key("gen_cpu_pct").num(genCpuPct);
        out.key("gen_saturated").boolean(genCpuPct > 90.0);
        out.key("send_lag_max_ms").num(double(e.schedule.maxLagNs) / 1e6);
        out.key("missing").num(double(missing));
        out.key("violations").num(double(violations));
        out.key("errors").num(double(errors));
        out.key("closed").num(double(closed));
        out.key("pass").boolean(pass);
        out.close('}');
        if (pass) {
            kneeRate = rate;
            kneeDeliveries = deliveriesPerS;
            fails = 0;
        } else if (++fails >= stopAfterFails) {
            break;
        }
        if (closed || missing) {
            break; // connections are gone or behind: later steps would mean nothing
        }
        e.runUntil([] { return false; }, 0.3);
    }
    out.close(']');
    out.key("knee_rate").num(kneeRate);
    out.key("knee_deliveries_per_s").num(std::round(kneeDeliveries));
    out.close('}');
    std::printf("%s\n", out.text().c_str());
    std::fflush(stdout);
    return assertOk && !allCorrect ? 1 : 0;
}

// ---- idle connections ---------------------------------------------------------------------

int runConnections(const Options &o)
{
    raiseFdLimit();
    Engine e;
    setupEngine(e, o);
    const int n = int(o.num("n", 10000));
    const int userCount = int(o.num("users", 100));
    const double holdS = o.num("hold-s", 2);
    std::vector<int> userIds;
    if (!makeUsers(e, "bc" + e.runTag + "u", userCount, &userIds))
        die("cannot create accounts (is --open-registration on?)");
    e.runUntil([] { return false; }, 0.5);
    const int64_t rss0 = rssKib(e.serverPid);
    std::vector<int> group;
    const int64_t t0 = nowNs();
    for (int i = 0; i < n; ++i) {
        Conn &c = e.add();
        c.user = userIds[size_t(i) % userIds.size()];
        group.push_back(c.index);
        e.start(c);
    }
    e.runUntil([&] { return allReadyOrFailed(e, group); }, 300);
    const double connectS = double(nowNs() - t0) / 1e9;
    const int ready = countReady(e, group);
    e.runUntil([] { return false; }, holdS);
    const int64_t rss1 = rssKib(e.serverPid);
    const int stillOpen = countReady(e, group);
    const double perConn = ready ? double(rss1 - rss0) / double(ready) : 0;
    logf("%s connections: %d/%d in %.2f s (%.0f/s), RSS %" PRId64 " -> %" PRId64
         " KiB: %.2f KiB each, %d still open",
         protoName(e.proto), ready, n, connectS, double(ready) / connectS, rss0, rss1, perConn,
         stillOpen);
    Json out;
    out.open('{');
    out.key("scenario").str("connections");
    out.key("proto").str(protoName(e.proto));
    out.key("n").num(n);
    out.key("connected").num(ready);
    out.key("still_open").num(stillOpen);
    out.key("connect_s").num(connectS);
    out.key("connect_per_s").num(std::round(double(ready) / connectS));
    out.key("rss_base_kib").num(double(rss0));
    out.key("rss_kib").num(double(rss1));
    out.key("kib_per_conn").num(perConn);
    out.close('}');
    std::printf("%s\n", out.text().c_str());
    return ready == n ? 0 : 1;
}

// ---- reconnect storm ----------------------------------------------------------------------

int runStorm(const Options &o)
{
    raiseFdLimit();
    Engine e;
    setupEngine(e, o);
    if (e.proto != Proto::Confab)
        die("storm is a confab scenario (it resumes with since)");
    const int subs = int(o.num("subs", 1000));
    const int pubCount = int(o.num("pubs", 10));
    const double rate = o.num("rate", 50);
    const double beforeS = o.num("before-s", 2);
    const double afterS = o.num("after-s", 2);
    const int userCount = int(o.num("users", 20));
    const std::string channel = o.str("channel", "general");
    e.publishers = pubCount;
    std::vector<int> userIds;
    if (!makeUsers(e, "bs" + e.runTag + "u", userCount, &userIds))
        die("cannot create accounts (is --open-registration on?)");
    std::vector<int> subsList, all;
    for (int i = 0; i < subs + pubCount; ++i) {
        Conn &c = e.add();
        c.user = userIds[size_t(i) % userIds.size()];
        c.join = channel;
        all.push_back(c.index);
        (i < subs ? subsList : e.pubs).push_back(c.index);
        e.start(c);
    }
    e.sentCounter.assign(size_t(pubCount), 0);
    e.runUntil([&] { return allReadyOrFailed(e, all); }, 120);
    if (countReady(e, all) != int(all.size()))
        die("not every connection joined");
    e.startSchedule(rate);
    e.runUntil([] { return false; }, beforeS);

    // Drop every subscriber at once, then all reconnect and resume with since.
    const uint64_t violations0 = e.violations;
    const int64_t dropNs = nowNs();
    for (int i : subsList)
        e.drop(*e.conns[size_t(i)]);
    for (int i : subsList) {
        Conn &c = *e.conns[size_t(i)];
        c.useSince = true;
        e.start(c);
    }
    const bool synced = e.runUntil([&] { return allReadyOrFailed(e, subsList); }, 60);
    const int64_t doneNs = nowNs();
    std::vector<double> perClient;
    for (int i : subsList) {
        const Conn &c = *e.conns[size_t(i)];
        if (c.ready)
            perClient.push_back(double(c.syncedNs - dropNs) / 1e6);
    }
    std::sort(perClient.begin(), perClient.end());
    const int resynced = int(perClient.size());
    e.runUntil([] { return false; }, afterS);
    e.stopSchedule();
    // Drain: every subscriber must end at the newest acknowledged seq.
    auto behind = [&] {
        uint64_t n = 0;
        for (int i : subsList) {
            const Conn &c = *e.conns[size_t(i)];
            n += c.lastSeq < e.maxAckedSeq ? uint64_t(e.maxAckedSeq - c.lastSeq) : 0;
        }
        return n;
    };
    e.runUntil([&] { return behind() == 0 && e.missing(subsList) == 0; }, 5);
    const uint64_t missing = e.missing(subsList);
    const uint64_t violations = e.violations - violations0;
    const double resyncS = double(doneNs - dropNs) / 1e9;
    auto pct = [&](double p) {
        if (perClient.empty())
            return 0.0;
        return perClient[std::min(perClient.size() - 1,
                                  size_t(std::ceil(p / 100.0 * double(perClient.size()))) - 1)];
    };
    logf("storm: %d/%d resynced in %.3f s (p50 %.0f ms, p99 %.0f ms), missing %" PRIu64
         " violations %" PRIu64 " errors %" PRIu64,
         resynced, subs, resyncS, pct(50), pct(99), missing, violations, e.errors);
    Json out;
    out.open('{');
    out.key("scenario").str("storm");
    out.key("proto").str(protoName(e.proto));
    out.key("subs").num(subs);
    out.key("pubs").num(pubCount);
    out.key("rate").num(rate);
    out.key("resynced").num(resynced);
    out.key("all_synced").boolean(synced && resynced == subs);
    out.key("resync_s").num(resyncS);
    out.key("client_p50_ms").num(pct(50));
    out.key("client_p99_ms").num(pct(99));
    out.key("missing").num(double(missing));
    out.key("violations").num(double(violations));
    out.key("errors").num(double(e.errors));
    out.key("last_seq").num(double(e.maxAckedSeq));
    out.close('}');
    std::printf("%s\n", out.text().c_str());
    return 0;
}

// ---- durable publish ----------------------------------------------------------------------

int runDurable(const Options &o)
{
    Engine e;
    setupEngine(e, o);
    if (e.proto != Proto::Confab)
        die("durable is a confab scenario");
    const auto pubCounts = o.list("pubs", "1,10,100");
    const int window = int(o.num("window", 1));
    const double durationS = o.num("duration-s", 4);
    const double warmS = o.num("warm-s", 1);
    std::vector<int> userIds;
    if (!makeUsers(e, "bd" + e.runTag + "u", 1, &userIds))
        die("cannot create accounts (is --open-registration on?)");
    Json out;
    out.open('{');
    out.key("scenario").str("durable");
    out.key("proto").str("confab");
    out.key("window").num(window);
    out.key("steps").open('[');
    int step = 0;
    for (double pc : pubCounts) {
        const int count = int(pc);
        // A fresh channel nobody subscribes to: this measures the commit path, not fan-out.
        const std::string channel = "dur-" + e.runTag + "-" + std::to_string(step++);
        std::vector<int> group;
        for (int i = 0; i < count; ++i) {
            Conn &c = e.add();
            c.user = userIds[0];
            group.push_back(c.index);
            e.start(c);
        }
        e.runUntil([&] { return allReadyOrFailed(e, group); }, 60);
        if (countReady(e, group) != count)
            die("publishers could not sign in");
        bool created = false;
        e.onRequestDone = [&](Conn &, int64_t) { created = true; };
        e.confabRequest(*e.conns[size_t(group[0])], Pending::Create,
                        ",\"channel\":\"" + channel + "\",\"topic\":\"bench\",\"private\":false");
        e.runUntil([&] { return created; }, 10);
        e.onRequestDone = nullptr;
        bool running = true;
        e.onAck = [&](Conn &c) {
            if (running)
                e.publishPlain(c, channel);
        };
        for (int i : group)
            for (int w = 0; w < window; ++w)
                e.publishPlain(*e.conns[size_t(i)], channel);
        e.runUntil([] { return false; }, warmS);
        e.ackLatency.reset();
        e.measuring = true;
        const uint64_t acks0 = e.acks;
        const uint64_t errors0 = e.errors;
        const int64_t server0 = cpuOfPidNs(e.serverPid);
        const int64_t t0 = nowNs();
        e.runUntil([] { return false; }, durationS);
        const int64_t t1 = nowNs();
        const int64_t server1 = cpuOfPidNs(e.serverPid);
        const uint64_t acked = e.acks - acks0;
        e.measuring = false;
        running = false;
        e.runUntil(
            [&] {
                for (int i : group)
                    if (!e.conns[size_t(i)]->pending.empty())
                        return false;
                return true;
            },
            10);
        e.onAck = nullptr;
        const double perS = double(acked) / (double(t1 - t0) / 1e9);
        const double cpuUs = acked ? double(server1 - server0) / 1000.0 / double(acked) : 0;
        logf("durable %d publishers: %.0f acked/s, ack p50 %.2f p99 %.2f max %.2f ms, server %.1f "
             "us/publish, errors %" PRIu64,
             count, perS, e.ackLatency.percentileMs(50), e.ackLatency.percentileMs(99),
             e.ackLatency.maxMs(), cpuUs, e.errors - errors0);
        out.open('{');
        out.key("publishers").num(count);
        out.key("acked_per_s").num(std::round(perS));
        out.key("ack_p50_ms").num(e.ackLatency.percentileMs(50));
        out.key("ack_p99_ms").num(e.ackLatency.percentileMs(99));
        out.key("ack_max_ms").num(e.ackLatency.maxMs());
        out.key("server_us_per_publish").num(cpuUs);
        out.key("errors").num(double(e.errors - errors0));
        out.close('}');
        for (int i : group)
            e.drop(*e.conns[size_t(i)]);
    }
    out.close(']');
    out.close('}');
    std::printf("%s\n", out.text().c_str());
    return 0;
}

// ---- history ------------------------------------------------------------------------------

int runHistory(const Options &o)
{
    Engine e;
    setupEngine(e, o);
    if (e.proto != Proto::Confab)
        die("history is a confab scenario");
    const int iterations = int(o.num("iterations", 500));
    const int rewind = int(o.num("rewind", 100));
    const int limit = int(o.num("limit", 100));
    const std::string channel = o.str("channel", "general");
    std::vector<int> userIds;
    if (!makeUsers(e, "bh" + e.runTag + "u", 1, &userIds))
        die("cannot create accounts (is --open-registration on?)");
    e.seqCheck = false; // rewinds replay old seqs on purpose
    Conn &c = e.add();
    c.user = userIds[0];
    c.join = channel;
    e.start(c);
    e.runUntil([&] { return c.ready || c.failed; }, 30);
    if (!c.ready)
        die("cannot join");
    const int64_t lastSeq = c.lastSeq;
    logf("history: channel %s holds %" PRId64 " messages", channel.c_str(), lastSeq);

    Histogram rewindHist, historyHist;
    int done = 0;
    // Rewind on attach: join with rewind count, timed from the request to `synced`.
    e.onRequestDone = [&](Conn &, int64_t ns) {
        rewindHist.add(ns);
        ++done;
    };
    for (int i = 0; i < iterations; ++i) {
        const int before = done;
        e.markJoinSent(c);
        e.confabRequest(c, Pending::Join,
                        ",\"channel\":\"" + channel +
                            "\",\"rewind\":{\"count\":" + std::to_string(rewind) + "}");
        if (!e.runUntil([&] { return done > before || c.failed; }, 10))
            die("rewind timed out");
    }
    // History pages at random points of the channel.
    std::mt19937_64 rng(42);
    done = 0;
    e.onRequestDone = [&](Conn &, int64_t ns) {
        historyHist.add(ns);
        ++done;
    };
    for (int i = 0; i < iterations; ++i) {
        const int before = done;
        const int64_t at =
            int64_t(rng() % uint64_t(std::max<int64_t>(lastSeq - limit, 1))) + limit + 1;
        e.confabRequest(c, Pending::History,
                        ",\"channel\":\"" + channel + "\",\"before\":" + std::to_string(at) +
                            ",\"limit\":" + std::to_string(limit));
        if (!e.runUntil([&] { return done > before || c.failed; }, 10))
            die("history timed out");
    }
    logf("history of %" PRId64 ": rewind %d p50 %.2f p99 %.2f ms; page of %d p50 %.2f p99 %.2f ms",
         lastSeq, rewind, rewindHist.percentileMs(50), rewindHist.percentileMs(99), limit,
         historyHist.percentileMs(50), historyHist.percentileMs(99));
    Json out;
    out.open('{');
    out.key("scenario").str("history");
    out.key("proto").str("confab");
    out.key("messages").num(double(lastSeq));
    out.key("iterations").num(iterations);
    out.key("rewind").num(rewind);
    out.key("rewind_p50_ms").num(rewindHist.percentileMs(50));
    out.key("rewind_p99_ms").num(rewindHist.percentileMs(99));
    out.key("rewind_max_ms").num(rewindHist.maxMs());
    out.key("page").num(limit);
    out.key("page_p50_ms").num(historyHist.percentileMs(50));
    out.key("page_p99_ms").num(historyHist.percentileMs(99));
    out.key("page_max_ms").num(historyHist.maxMs());
    out.key("errors").num(double(e.errors));
    out.close('}');
    std::printf("%s\n", out.text().c_str());
    return e.errors ? 1 : 0;
}

// ---- loopback floor -----------------------------------------------------------------------
// No server: what one small loopback send per delivery costs by itself, the pattern of a
// server fanning a message out with one send() per subscriber. On loopback the receiving
// socket's TCP work runs in softirq on the sending core, inside send(): it shows up in that
// core's irq time and, on kernels without CONFIG_IRQ_TIME_ACCOUNTING, in the sender's system
// time as well (then "+irq" counts it twice).

/// Pins the calling thread to one core; false when that fails (no such core, say).
bool pinThread(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

/// Sleeps until `ns` on the nowNs() clock.
void sleepUntil(int64_t ns)
{
    const timespec at{time_t(ns / kNsPerS), long(ns % kNsPerS)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr) == EINTR) {
    }
}

/// Connects `n` pairs through a listener of our own: `senders` are the accepted ends
/// (TCP_NODELAY, like a server's), `receivers` the connecting ends (non-blocking).
void loopbackPairs(int n, std::vector<int> *senders, std::vector<int> *receivers)
{
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    auto *sa = reinterpret_cast<sockaddr *>(&addr);
    socklen_t len = sizeof addr;
    const int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0 || bind(lfd, sa, sizeof addr) != 0 || listen(lfd, 64) != 0 ||
        getsockname(lfd, sa, &len) != 0)
        die("cannot listen on 127.0.0.1");
    const int one = 1;
    for (int i = 0; i < n; ++i) {
        const int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        // Non-blocking connect on loopback completes at once or with EINPROGRESS; accept
        // right after it so the backlog never fills.
        if (c < 0 || (connect(c, sa, sizeof addr) != 0 && errno != EINPROGRESS))
            die("loopback connect (file descriptor limit?)");
        const int a = accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
        if (a < 0)
            die("accept");
        setsockopt(a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        senders->push_back(a);
        receivers->push_back(c);
    }
    ::close(lfd);
}

/// A thread that reads every receiving end and discards the bytes, counting them.
class FloorReceiver
{
public:
    FloorReceiver(const std::vector<int> &fds, int cpu)
    {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        for (int fd : fds) {
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.fd = fd;
            epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
        }
        m_thread = std::thread([this, cpu] { run(cpu); });
    }
    ~FloorReceiver()
    {
        m_stop = true;
        m_thread.join();
        ::close(m_epoll);
    }
    uint64_t bytes() const { return m_bytes.load(std::memory_order_relaxed); }
    int64_t cpuNs()
    {
        clockid_t clock;
        timespec ts{};
        if (pthread_getcpuclockid(m_thread.native_handle(), &clock) != 0 ||
            clock_gettime(clock, &ts) != 0)
            return -1;
        return int64_t(ts.tv_sec) * kNsPerS + ts.tv_nsec;
    }

private:
    void run(int cpu)
    {
        if (cpu >= 0 && !pinThread(cpu))
            logf("floor: cannot pin the receiver to core %d", cpu);
        std::vector<char> buf(256 * 1024);
        epoll_event events[512];
        while (!m_stop.load(std::memory_order_relaxed)) {
            const int n = epoll_wait(m_epoll, events, 512, 50);
            for (int i = 0; i < n; ++i) {
                const ssize_t r = ::recv(events[i].data.fd, buf.data(), buf.size(), MSG_DONTWAIT);
                if (r > 0)
                    m_bytes.fetch_add(uint64_t(r), std::memory_order_relaxed);
            }
        }
    }

    int m_epoll = -1;
    std::atomic<bool> m_stop{false};
    std::atomic<uint64_t> m_bytes{0};
    std::thread m_thread;
};

int64_t timevalNs(const timeval &tv)
{
    return int64_t(tv.tv_sec) * kNsPerS + int64_t(tv.tv_usec) * 1000;
}

int runFloor(const Options &o)
{
    const int n = int(o.num("conns", 1000));
    const auto rates = o.list("rates", "20,50,100,200");
    const auto batches = o.list("batch", "1");
    const double stepS = o.num("step-s", 3);
    const int bytes = std::max(1, int(o.num("bytes", 200)));
    const int sendCpu = int(o.num("send-cpu", 0));
    const int recvCpu = int(o.num("recv-cpu", 1));
    if (sendCpu >= 0 && !pinThread(sendCpu))
        logf("floor: cannot pin the sender to core %d", sendCpu);
    std::vector<int> senders, receivers;
    loopbackPairs(n, &senders, &receivers);
    FloorReceiver receiver(receivers, recvCpu);
    logf("floor: %d loopback connections, %d-byte messages, sender on core %d, receiver on "
         "core %d",
         n, bytes, sendCpu, recvCpu);

    Json out;
    out.open('{');
    out.key("scenario").str("floor");
    out.key("conns").num(n);
    out.key("bytes").num(bytes);
    out.key("send_cpu").num(sendCpu);
    out.key("recv_cpu").num(recvCpu);
    out.key("steps").open('[');
    uint64_t sentBytes = 0;
    bool allReceived = true;
    for (double batchValue : batches) {
        const int batch = std::max(1, int(batchValue));
        const std::string payload(size_t(bytes) * size_t(batch), 'x');
        for (double rate : rates) {
            // One round sends `batch` messages to every connection, so rounds come rate/batch
            // times per second.
            const auto interval = int64_t(double(kNsPerS) * batch / std::max(rate, 0.001));
            rusage ru0{}, ru1{};
            getrusage(RUSAGE_THREAD, &ru0);
            const int64_t sendIrq0 = irqNsOfCpu(sendCpu), recvIrq0 = irqNsOfCpu(recvCpu);
            const int64_t recv0 = receiver.cpuNs();
            const int64_t t0 = nowNs(), end = t0 + int64_t(stepS * kNsPerS);
            uint64_t sends = 0, shortSends = 0;
            for (int64_t due = t0; due < end;) {
                sleepUntil(due);
                for (int fd : senders) {
                    const ssize_t r = ::send(fd, payload.data(), payload.size(), MSG_DONTWAIT);
                    sentBytes += r > 0 ? uint64_t(r) : 0;
                    shortSends += r != ssize_t(payload.size()) ? 1 : 0;
                }
                sends += senders.size();
                // Behind schedule: go on at once, but never burst to catch up.
                due = std::max(due + interval, nowNs());
            }
            // The window ends at `end` (later when behind), not at the last round.
            sleepUntil(end);
            const int64_t t1 = nowNs();
            getrusage(RUSAGE_THREAD, &ru1);
            // Let the receiver finish the step's bytes; its CPU and both cores' irq time
            // are read after that, so that they hold all the step's work.
            while (receiver.bytes() < sentBytes && nowNs() - t1 < 2 * kNsPerS)
                usleep(1000);
            const uint64_t lost = sentBytes - std::min(sentBytes, receiver.bytes());
            allReceived = allReceived && lost == 0;
            const int64_t recv1 = receiver.cpuNs();
            const int64_t sendIrq1 = irqNsOfCpu(sendCpu), recvIrq1 = irqNsOfCpu(recvCpu);

            const double perSend = sends ? 1.0 / 1000.0 / double(sends) : 0;
            const double userUs =
                double(timevalNs(ru1.ru_utime) - timevalNs(ru0.ru_utime)) * perSend;
            const double sysUs =
                double(timevalNs(ru1.ru_stime) - timevalNs(ru0.ru_stime)) * perSend;
            const double sendIrqUs = sendIrq0 >= 0 ? double(sendIrq1 - sendIrq0) * perSend : -1;
            const double recvIrqUs = recvIrq0 >= 0 ? double(recvIrq1 - recvIrq0) * perSend : -1;
            const double recvUs = recv0 >= 0 ? double(recv1 - recv0) * perSend : -1;
            const double window = double(t1 - t0) / 1e9;
            const double sendCpuPct = (userUs + sysUs) * double(sends) / 1e4 / window;
            const bool keptUp = double(sends) * batch >= 0.95 * rate * n * window;
            logf("floor rate %.0f/s batch %d: %.0f sends/s, sender %.2f us/send (user %.2f, sys "
                 "%.2f) + irq %.2f, %.0f%% CPU; receiver %.2f us/send + irq %.2f%s%s",
                 rate, batch, double(sends) / window, userUs + sysUs, userUs, sysUs, sendIrqUs,
                 sendCpuPct, recvUs, recvIrqUs, keptUp ? "" : ", BEHIND SCHEDULE",
                 lost ? ", BYTES LOST" : "");
            out.open('{');
            out.key("rate").num(rate);
            out.key("batch").num(batch);
            out.key("sends_per_s").num(std::round(double(sends) / window));
            out.key("deliveries_per_s").num(std::round(double(sends) * batch / window));
            out.key("send_us_per_send").num(userUs + sysUs);
            out.key("send_user_us_per_send").num(userUs);
            out.key("send_sys_us_per_send").num(sysUs);
            out.key("send_core_irq_us_per_send").num(sendIrqUs);
            out.key("send_us_per_delivery").num((userUs + sysUs) / batch);
            out.key("recv_us_per_send").num(recvUs);
            out.key("recv_core_irq_us_per_send").num(recvIrqUs);
            out.key("send_cpu_pct").num(sendCpuPct);
            out.key("kept_up").boolean(keptUp);
            out.key("short_sends").num(double(shortSends));
            out.key("lost_bytes").num(double(lost));
            out.close('}');
            usleep(200000);
        }
    }
    out.close(']');
    out.close('}');
    std::printf("%s\n", out.text().c_str());
    std::fflush(stdout);
    return allReceived ? 0 : 1;
}

// ---- soak ---------------------------------------------------------------------------------
// Many clients living at random for a long time against one server (issue 15): each signs in
// (a token after the first time), holds a few of a set of shared channels, types and then
// publishes now and then, goes away and back, leaves and joins channels, and loses its
// connection (a reset, or a silent one the server must find dead) and resumes with `since`.
// Every delivery is checked (once, in seq order, the message the ack said), latency is
// sampled per window with the server's RSS, descriptors and CPU into a CSV, and the channels'
// history is read back at the end. Run by tests/soak/soak.sh, never by ctest.

/// Descriptors a process holds open; -1 when unreadable.
int fdCount(int pid)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/fd", pid);
    DIR *dir = opendir(path);
    if (!dir)
        return -1;
    int n = 0;
    while (const dirent *entry = readdir(dir))
        n += entry->d_name[0] != '.' ? 1 : 0;
    closedir(dir);
    return n;
}

/// One delivery-checked message: who sent it, and its number among that client's messages.
uint64_t messageId(int client, int64_t counter)
{
    return (uint64_t(client + 1) << 32) | uint64_t(counter);
}

/// Parses "s|<client>|<counter>|<send ns>|…"; false for any other text.
bool parseSoakText(std::string_view text, int64_t *client, int64_t *counter, int64_t *sentNs)
{
    if (text.size() < 8 || text[0] != 's' || text[1] != '|')
        return false;
    size_t at = 2;
    int64_t *fields[3] = {client, counter, sentNs};
    for (int64_t *field : fields) {
        int64_t v = 0;
        const size_t begin = at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9')
            v = v * 10 + (text[at++] - '0');
        if (at == begin || at >= text.size() || text[at] != '|')
            return false;
        ++at;
        *field = v;
    }
    return true;
}

class Soak
{
public:
    struct Settings
    {
        int clients = 1000;
        int channels = 20;
        double durationS = 1800;
        double sampleS = 10;
        double publishMeanS = 45;       ///< per client, while it has a channel
        double dropMeanS = 240;         ///< connection lost
        double churnMeanS = 240;        ///< leave one channel or join another
        double awayMeanS = 300;         ///< status away, then online again
        double silentShare = 0.25;      ///< lost connections that stay half-open (no FIN, no RST)
        double dropAfterPublish = 0.03; ///< publishes the connection is lost right after
        double settleS = 90;
        std::string csv;
        uint64_t seed = 1;
    };

    Soak(Engine &e, Settings s)
        : m_e(e)
        , m_s(std::move(s))
        , m_rng(m_s.seed)
    {}

    int run();

private:
    enum class Sub { None, Joining, Live, Leaving };
    enum class Kind { Hello, Join, Leave, Publish, Presence, History };

    struct Channel
    {
        bool member = false;       ///< the user is a member (as far as the client knows)
        bool haveBase = false;     ///< lastSeq holds: the membership began (fresh join synced)
        bool leaveUnsure = false;  ///< a leave went out on a connection that was lost
        Sub sub = Sub::None;       ///< on the current connection
        int64_t lastSeq = 0;       ///< newest seq received in order
        int64_t since = -1;        ///< of the join in flight; -1: a fresh join
        int64_t intervalStart = 0; ///< first seq of the current membership
    };

    struct Req
    {
        int64_t id;
        Kind kind;
        int channel;
        int64_t counter; ///< publish: the client's message number
        int64_t sentNs;
    };

    struct Outgoing
    {
        int channel;
        int64_t counter;
        bool inFlight;
    };

    struct Client
    {
        int index = 0;
        int conn = -1;
        int user = -1;
        bool online = false; ///< signed in on the current connection
        bool connecting = false;
        int64_t reconnectAt = 0;
        std::vector<Channel> channels;
        std::deque<Req> pending;
        std::vector<Outgoing> outbox; ///< published, not yet acknowledged
        int64_t nextCounter = 0;
        int64_t nextPublish = 0, nextDrop = 0, nextChurn = 0, nextAway = 0;
        bool away = false;
        int composeChannel = -1;
        int64_t composeAt = 0;
    };

    struct Window
    {
        Histogram latency;
        Histogram ack; ///< publish -> its (durable) ack
        uint64_t deliveries = 0, published = 0;
    };

    // Behaviour.
    void tick(int64_t now);
    void act(Client &c, int64_t now);
    void connect(Client &c);
    void lose(Client &c, bool silent, int64_t now);
    void onOpened(Client &c);
    void onText(Client &c, std::string_view text);
    void onReply(Client &c, std::string_view text);
    void onMsg(Client &c, std::string_view text);
    void onSynced(Client &c, std::string_view text);
    void request(Client &c, Kind kind, int channel, int64_t counter, const std::string &body);
    void join(Client &c, int ch);
    void leave(Client &c, int ch);
    void publish(Client &c, int ch, int64_t counter);
    void closeInterval(Channel &ch);
    int pickChannel(); ///< by popularity
    double expo(double mean) { return std::exponential_distribution<double>(1.0 / mean)(m_rng); }
    double uniform(double a, double b)
    {
        return std::uniform_real_distribution<double>(a, b)(m_rng);
    }
    int64_t after(double seconds) const { return nowNs() + int64_t(seconds * kNsPerS); }
    Client &clientOf(const Conn &conn) { return m_clients[size_t(m_byConn[size_t(conn.index)])]; }
    void noteId(int ch, int64_t seq, uint64_t id);
    void sample(int64_t now, bool last);
    bool settled() const;
    bool checkHistory(Json &out);
    void fault(const char *fmt, ...) __attribute__((format(printf, 2, 3)));

    Engine &m_e;
    Settings m_s;
    std::mt19937_64 m_rng;
    std::vector<std::string> m_names; ///< channel names
    std::vector<double> m_weights;    ///< how popular each channel is
    std::vector<Client> m_clients;
    std::vector<int> m_byConn;                           ///< conn index -> client index (-1: none)
    std::vector<std::vector<uint64_t>> m_idAtSeq;        ///< per channel, seq -> message id
    std::vector<int64_t> m_maxSeq;                       ///< per channel: newest seq seen anywhere
    std::map<uint64_t, std::pair<int, int64_t>> m_acked; ///< message id -> channel, seq
    std::vector<std::pair<int, int64_t>> m_zombies;      ///< half-open sockets and when to close
    bool m_behave = true;
    int64_t m_t0 = 0;

    // Totals.
    uint64_t m_published = 0, m_acks = 0, m_dupAcks = 0, m_resent = 0;
    uint64_t m_delivered = 0, m_expected = 0, m_liveDeliveries = 0;
    uint64_t m_duplicates = 0, m_missing = 0, m_wrongMessage = 0, m_unexpected = 0;
    uint64_t m_gapsAnnounced = 0, m_errors = 0, m_throttled = 0, m_serverCloses = 0;
    uint64_t m_drops = 0, m_silentDrops = 0, m_dropsAfterPublish = 0, m_reconnects = 0, m_joins = 0,
             m_leaves = 0;
    uint64_t m_typingSent = 0, m_presenceSent = 0;
    uint64_t m_typingSeen = 0, m_presenceSeen = 0, m_memberSeen = 0;
    std::map<int, uint64_t> m_closeCodes;
    Histogram m_latencyAll, m_ackAll;
    Window m_window;
    int m_faultLogs = 0;

    // Samples.
    struct Sample
    {
        double t;
        double rssMb;
        int fds;
        double cpuPct;
        double p50, p99;
        int online;
    };
    std::vector<Sample> m_samples;
    FILE *m_csv = nullptr;
    int64_t m_lastSampleNs = 0, m_lastServerCpu = 0, m_lastSelfCpu = 0;
    int64_t m_nextSampleNs = 0;
};

void Soak::fault(const char *fmt, ...)
{
    if (m_faultLogs >= 30)
        return;
    ++m_faultLogs;
    va_list args;
    va_start(args, fmt);
    std::fputs("confab-bench: soak: ", stderr);
    std::vfprintf(stderr, fmt, args);
    std::fputc('\n', stderr);
    va_end(args);
}

int Soak::pickChannel()
{
    std::discrete_distribution<int> pick(m_weights.begin(), m_weights.end());
    return pick(m_rng);
}

void Soak::request(Client &c, Kind kind, int channel, int64_t counter, const std::string &body)
{
    Conn &conn = *m_e.conns[size_t(c.conn)];
    const int64_t id = conn.nextId++;
    c.pending.push_back({id, kind, channel, counter, nowNs()});
    m_e.sendText(conn, "{\"id\":" + std::to_string(id) + body + "}");
}

void Soak::join(Client &c, int ch)
{
    Channel &s = c.channels[size_t(ch)];
    s.sub = Sub::Joining;
    s.since = s.haveBase ? s.lastSeq : -1;
    std::string body = ",\"t\":\"join\",\"channel\":\"" + m_names[size_t(ch)] + "\"";
    if (s.haveBase)
        body += ",\"since\":" + std::to_string(s.lastSeq);
    ++m_joins;
    request(c, Kind::Join, ch, 0, body);
}

void Soak::leave(Client &c, int ch)
{
    Channel &s = c.channels[size_t(ch)];
    s.member = false;
    s.sub = Sub::Leaving;
    ++m_leaves;
    request(c, Kind::Leave, ch, 0, ",\"t\":\"leave\",\"channel\":\"" + m_names[size_t(ch)] + "\"");
}

void Soak::publish(Client &c, int ch, int64_t counter)
{
    // Realistic lengths: most messages short, some long. The send time is in the text, so
    // that every receiver measures publish -> delivery on the one clock of this process.
    char head[96];
    const int n = std::snprintf(head, sizeof head, "s|%d|%" PRId64 "|%" PRId64 "|", c.index,
                                counter, nowNs());
    std::string text(head, size_t(n));
    const int extra = int(std::min(400.0, expo(60)));
    static const char kWords[] = "lorem ipsum dolor sit amet consectetur adipiscing elit ";
    for (int i = 0; i < extra; ++i)
        text += kWords[size_t(i) % (sizeof kWords - 1)];
    request(c, Kind::Publish, ch, counter,
            ",\"t\":\"publish\",\"channel\":\"" + m_names[size_t(ch)] + "\",\"cid\":\"soak-" +
                m_e.runTag + "-" + std::to_string(c.index) + "-" + std::to_string(counter) +
                "\",\"text\":\"" + text + "\"");
}

void Soak::closeInterval(Channel &ch)
{
    if (ch.haveBase)
        m_expected += uint64_t(std::max<int64_t>(0, ch.lastSeq - ch.intervalStart + 1));
    ch.haveBase = false;
}

void Soak::connect(Client &c)
{
    Conn &conn = *m_e.conns[size_t(c.conn)];
    c.connecting = true;
    c.online = false;
    c.reconnectAt = 0;
    m_e.start(conn);
}

void Soak::lose(Client &c, bool silent, int64_t now)
{
    Conn &conn = *m_e.conns[size_t(c.conn)];
    if (silent) {
        const int fd = m_e.detach(conn);
        if (fd >= 0)
            m_zombies.push_back({fd, now + int64_t(uniform(40, 60) * kNsPerS)});
    } else {
        m_e.drop(conn);
    }
    c.online = false;
    c.connecting = false;
    c.pending.clear();
    c.composeChannel = -1;
    for (Outgoing &o : c.outbox)
        o.inFlight = false;
    for (Channel &ch : c.channels) {
        if (ch.sub == Sub::Leaving) {
            ch.leaveUnsure = true; // said again on the next connection
            closeInterval(ch);
        }
        ch.sub = Sub::None;
    }
}

void Soak::onOpened(Client &c)
{
    const User &u = m_e.users[size_t(c.user)];
    if (!u.token.empty())
        request(c, Kind::Hello, -1, 0,
                ",\"t\":\"hello\",\"v\":1,\"auth\":{\"token\":\"" + u.token +
                    "\"},\"client\":\"confab-soak/1\"");
    else
        request(c, Kind::Hello, -1, 0,
                ",\"t\":\"hello\",\"v\":1,\"auth\":{\"user\":\"" + u.name + "\",\"password\":\"" +
                    m_e.password + "\"},\"client\":\"confab-soak/1\"");
}

void Soak::noteId(int ch, int64_t seq, uint64_t id)
{
    auto &ids = m_idAtSeq[size_t(ch)];
    if (seq <= 0 || seq > 100000000)
        return;
    if (ids.size() <= size_t(seq))
        ids.resize(size_t(seq) * 2 + 1024, 0);
    if (ids[size_t(seq)] == 0)
        ids[size_t(seq)] = id;
    else if (ids[size_t(seq)] != id) {
        ++m_wrongMessage;
        fault("%s seq %" PRId64 " carries two different messages", m_names[size_t(ch)].c_str(),
              seq);
    }
    m_maxSeq[size_t(ch)] = std::max(m_maxSeq[size_t(ch)], seq);
}

void Soak::onText(Client &c, std::string_view text)
{
    if (text.substr(0, 6) != "{\"t\":\"")
        return;
    const std::string_view rest = text.substr(6);
    if (rest.substr(0, 4) == "msg\"")
        onMsg(c, text);
    else if (rest.substr(0, 6) == "reply\"")
        onReply(c, text);
    else if (rest.substr(0, 7) == "synced\"")
        onSynced(c, text);
    else if (rest.substr(0, 7) == "typing\"")
        ++m_typingSeen;
    else if (rest.substr(0, 9) == "presence\"")
        ++m_presenceSeen;
    else if (rest.substr(0, 7) == "member\"")
        ++m_memberSeen;
}

int channelIndex(const std::vector<std::string> &names, std::string_view name)
{
    for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == name)
            return int(i);
    return -1;
}

void Soak::onMsg(Client &c, std::string_view text)
{
    std::string_view name, body;
    int64_t seq = -1;
    if (!jsonStr(text, "channel", &name) || !jsonInt(text, "seq", &seq) ||
        !jsonStr(text, "text", &body)) {
        ++m_unexpected;
        fault("unreadable msg: %.*s", int(std::min<size_t>(text.size(), 200)), text.data());
        return;
    }
    const int ch = channelIndex(m_names, name);
    if (ch < 0)
        return;
    Channel &s = c.channels[size_t(ch)];
    int64_t from = 0, counter = 0, sentNs = 0;
    if (parseSoakText(body, &from, &counter, &sentNs))
        noteId(ch, seq, messageId(int(from), counter));
    if (s.sub == Sub::None || (s.sub == Sub::Joining && !s.haveBase)) {
        ++m_unexpected;
        fault("client %d got %s seq %" PRId64 " without a subscription", c.index,
              m_names[size_t(ch)].c_str(), seq);
        return;
    }
    if (seq <= s.lastSeq) {
        ++m_duplicates;
        fault("client %d: %s seq %" PRId64 " again (has %" PRId64 ")", c.index,
              m_names[size_t(ch)].c_str(), seq, s.lastSeq);
        return;
    }
    if (seq != s.lastSeq + 1) {
        m_missing += uint64_t(seq - s.lastSeq - 1);
        fault("client %d: %s seq %" PRId64 " after %" PRId64, c.index, m_names[size_t(ch)].c_str(),
              seq, s.lastSeq);
    }
    s.lastSeq = seq;
    ++m_delivered;
    // Live deliveries to the other clients make the latency; a catch-up is not live.
    if (s.sub == Sub::Live && from != c.index && sentNs > 0) {
        const int64_t ns = nowNs() - sentNs;
        m_window.latency.add(ns);
        m_latencyAll.add(ns);
        ++m_window.deliveries;
        ++m_liveDeliveries;
    }
}

void Soak::onSynced(Client &c, std::string_view text)
{
    std::string_view name;
    int64_t first = 0, last = 0;
    if (!jsonStr(text, "channel", &name) || !jsonInt(text, "first_seq", &first) ||
        !jsonInt(text, "last_seq", &last))
        return;
    const int ch = channelIndex(m_names, name);
    if (ch < 0)
        return;
    Channel &s = c.channels[size_t(ch)];
    if (s.sub != Sub::Joining)
        return;
    m_maxSeq[size_t(ch)] = std::max(m_maxSeq[size_t(ch)], last);
    if (!s.haveBase) { // a fresh membership begins after the newest message
        s.haveBase = true;
        s.lastSeq = last;
        s.intervalStart = last + 1;
    } else {
        if (first > s.since + 1) {
            // (Counted in m_missing too, as the catch-up then skips those seqs.)
            m_gapsAnnounced += uint64_t(first - s.since - 1);
            fault("client %d: %s resumed from %" PRId64 " with a gap to %" PRId64, c.index,
                  m_names[size_t(ch)].c_str(), s.since, first);
        }
        if (s.lastSeq < last) {
            m_missing += uint64_t(last - s.lastSeq);
            fault("client %d: %s synced at %" PRId64 " holding %" PRId64, c.index,
                  m_names[size_t(ch)].c_str(), last, s.lastSeq);
            s.lastSeq = last;
        }
    }
    s.sub = Sub::Live;
}

void Soak::onReply(Client &c, std::string_view text)
{
    int64_t id = 0;
    jsonInt(text, "id", &id);
    if (c.pending.empty() || c.pending.front().id != id) {
        ++m_errors;
        fault("client %d: reply %" PRId64 " out of order", c.index, id);
        return;
    }
    const Req req = c.pending.front();
    c.pending.pop_front();
    const bool ok = text.find("\"error\":{") == std::string_view::npos;
    int64_t retryMs = 0;
    // Password sign-ins from one address are throttled by design (many at once): a client
    // waits as told and comes back; that is no fault.
    if (!ok && req.kind == Kind::Hello && jsonInt(text, "retry_ms", &retryMs)) {
        ++m_throttled;
        lose(c, false, nowNs());
        c.reconnectAt = after(double(retryMs) / 1000.0 + uniform(0, 1));
        return;
    }
    if (!ok) {
        ++m_errors;
        fault("client %d: error reply: %.*s", c.index, int(std::min<size_t>(text.size(), 300)),
              text.data());
    }
    Conn &conn = *m_e.conns[size_t(c.conn)];
    switch (req.kind) {
    case Kind::Hello: {
        if (!ok) {
            lose(c, false, nowNs());
            c.reconnectAt = after(5);
            return;
        }
        std::string_view token;
        if (jsonStr(text, "token", &token))
            m_e.users[size_t(c.user)].token = std::string(token);
        m_e.markReady(conn);
        c.online = true;
        c.connecting = false;
        // A client that comes back: say the leaves it is unsure of, resume every channel
        // from the newest message it holds, then send its offline queue again (same cids).
        for (size_t ch = 0; ch < c.channels.size(); ++ch) {
            Channel &s = c.channels[ch];
            if (s.leaveUnsure) {
                s.leaveUnsure = false;
                leave(c, int(ch));
                --m_leaves;
            } else if (s.member) {
                join(c, int(ch));
            }
        }
        for (Outgoing &o : c.outbox) {
            o.inFlight = true;
            ++m_resent;
            publish(c, o.channel, o.counter);
        }
        if (c.away)
            request(c, Kind::Presence, -1, 0, ",\"t\":\"presence\",\"status\":\"away\"");
        break;
    }
    case Kind::Join:
        if (!ok)
            c.channels[size_t(req.channel)].sub = Sub::None;
        break;
    case Kind::Leave: {
        Channel &s = c.channels[size_t(req.channel)];
        if (s.sub == Sub::Leaving) {
            closeInterval(s);
            s.sub = Sub::None;
        }
        break;
    }
    case Kind::Publish: {
        int64_t seq = 0;
        auto it = std::find_if(c.outbox.begin(), c.outbox.end(),
                               [&](const Outgoing &o) { return o.counter == req.counter; });
        if (!ok || !jsonInt(text, "seq", &seq)) {
            if (it != c.outbox.end())
                it->inFlight = false; // tried again on the next connection
            break;
        }
        ++m_acks;
        ++m_window.published;
        m_window.ack.add(nowNs() - req.sentNs);
        m_ackAll.add(nowNs() - req.sentNs);
        if (text.find("\"dup\":true") != std::string_view::npos)
            ++m_dupAcks;
        const uint64_t mid = messageId(c.index, req.counter);
        auto known = m_acked.find(mid);
        if (known != m_acked.end() && known->second != std::make_pair(req.channel, seq)) {
            ++m_wrongMessage;
            fault("client %d message %" PRId64 " acknowledged at seq %" PRId64
                  " and before at %" PRId64,
                  c.index, req.counter, seq, known->second.second);
        }
        m_acked[mid] = {req.channel, seq};
        noteId(req.channel, seq, mid);
        if (it != c.outbox.end())
            c.outbox.erase(it);
        break;
    }
    case Kind::Presence:
    case Kind::History:
        break;
    }
}

void Soak::act(Client &c, int64_t now)
{
    if (!c.online) {
        if (!c.connecting && c.reconnectAt && now >= c.reconnectAt) {
            ++m_reconnects;
            connect(c);
        }
        return;
    }
    if (!m_behave)
        return;
    // Typing, then the message 1-3 s later (the server ends the typing when it arrives).
    if (c.composeChannel >= 0 && now >= c.composeAt) {
        const int ch = c.composeChannel;
        c.composeChannel = -1;
        if (c.channels[size_t(ch)].sub == Sub::Live) {
            const int64_t counter = c.nextCounter++;
            c.outbox.push_back({ch, counter, true});
            ++m_published;
            publish(c, ch, counter);
            // Sent, and the network goes: the client cannot know whether the server has the
            // message, so it sends it again (same cid) on its next connection.
            if (uniform(0, 1) < m_s.dropAfterPublish) {
                ++m_drops;
                ++m_dropsAfterPublish;
                lose(c, false, now);
                c.reconnectAt = now + int64_t(uniform(0.5, 3) * kNsPerS);
                return;
            }
        }
    }
    if (now >= c.nextPublish) {
        c.nextPublish = now + int64_t(expo(m_s.publishMeanS) * kNsPerS);
        std::vector<int> live;
        for (size_t ch = 0; ch < c.channels.size(); ++ch)
            if (c.channels[ch].sub == Sub::Live)
                live.push_back(int(ch));
        if (!live.empty() && c.composeChannel < 0) {
            const int ch = live[size_t(m_rng() % live.size())];
            c.composeChannel = ch;
            c.composeAt = now + int64_t(uniform(1, 3) * kNsPerS);
            ++m_typingSent;
            m_e.sendText(*m_e.conns[size_t(c.conn)], "{\"t\":\"typing\",\"channel\":\"" +
                                                         m_names[size_t(ch)] +
                                                         "\",\"active\":true}");
        }
    }
    if (now >= c.nextAway) {
        c.away = !c.away;
        c.nextAway = now + int64_t((c.away ? uniform(20, 120) : expo(m_s.awayMeanS)) * kNsPerS);
        ++m_presenceSent;
        request(c, Kind::Presence, -1, 0,
                std::string(",\"t\":\"presence\",\"status\":\"") + (c.away ? "away" : "online") +
                    "\"");
    }
    if (now >= c.nextChurn) {
        c.nextChurn = now + int64_t(expo(m_s.churnMeanS) * kNsPerS);
        int members = 0;
        std::vector<int> leavable;
        for (size_t ch = 0; ch < c.channels.size(); ++ch) {
            const Channel &s = c.channels[ch];
            members += s.member ? 1 : 0;
            const bool busy = int(ch) == c.composeChannel ||
                              std::any_of(c.outbox.begin(), c.outbox.end(),
                                          [&](const Outgoing &o) { return o.channel == int(ch); });
            if (s.member && s.sub == Sub::Live && !busy)
                leavable.push_back(int(ch));
        }
        const bool doLeave = members >= 5 || (members > 1 && (m_rng() & 1));
        if (doLeave && !leavable.empty()) {
            leave(c, leavable[size_t(m_rng() % leavable.size())]);
        } else {
            const int ch = pickChannel();
            Channel &s = c.channels[size_t(ch)];
            if (!s.member && s.sub == Sub::None && !s.leaveUnsure) {
                s.member = true;
                join(c, ch);
            }
        }
    }
    if (now >= c.nextDrop) {
        c.nextDrop = now + int64_t(expo(m_s.dropMeanS) * kNsPerS);
        const bool silent = uniform(0, 1) < m_s.silentShare;
        ++m_drops;
        m_silentDrops += silent ? 1 : 0;
        lose(c, silent, now);
        // Mostly back within seconds; now and then away for a minute.
        c.reconnectAt =
            now + int64_t((uniform(0, 1) < 0.8 ? uniform(0.5, 5) : uniform(20, 60)) * kNsPerS);
    }
}

void Soak::tick(int64_t now)
{
    for (Client &c : m_clients)
        act(c, now);
    for (size_t i = 0; i < m_zombies.size();) {
        if (now >= m_zombies[i].second) {
            ::close(m_zombies[i].first);
            m_zombies[i] = m_zombies.back();
            m_zombies.pop_back();
        } else {
            ++i;
        }
    }
}

void Soak::sample(int64_t now, bool last)
{
    const int pid = m_e.serverPid;
    const int64_t server = cpuOfPidNs(pid);
    const int64_t self = cpuSelfNs();
    const double wall = double(now - m_lastSampleNs);
    Sample s{};
    s.t = double(now - m_t0) / 1e9;
    s.rssMb = double(rssKib(pid)) / 1024.0;
    s.fds = fdCount(pid);
    // The first sample (at the start) has no window: its CPU is unknown (-1).
    const bool window = wall > 1e8;
    s.cpuPct = server >= 0 && window ? 100.0 * double(server - m_lastServerCpu) / wall : -1;
    const double genPct = window ? 100.0 * double(self - m_lastSelfCpu) / wall : -1;
    s.p50 = m_window.latency.percentileMs(50);
    s.p99 = m_window.latency.percentileMs(99);
    for (const Client &c : m_clients)
        s.online += c.online ? 1 : 0;
    m_samples.push_back(s);
    if (m_csv) {
        std::fprintf(m_csv,
                     "%.1f,%.2f,%d,%.1f,%.1f,%.2f,%.2f,%.2f,%" PRIu64 ",%" PRIu64 ",%d,%" PRIu64
                     ",%d,%.2f,%.2f\n",
                     s.t, s.rssMb, s.fds, s.cpuPct, genPct, s.p50, s.p99, m_window.latency.maxMs(),
                     m_window.deliveries, m_window.published, s.online,
                     m_duplicates + m_missing + m_wrongMessage + m_unexpected, last ? 1 : 0,
                     m_window.ack.percentileMs(50), m_window.ack.percentileMs(99));
        std::fflush(m_csv);
    }
    logf("soak %5.0f s: RSS %.1f MB, %d fds, server %.0f%% CPU, generator %.0f%%, %d online, "
         "%" PRIu64 " published (ack p50 %.1f ms), %" PRIu64
         " live deliveries p50 %.1f p99 %.1f ms",
         s.t, s.rssMb, s.fds, s.cpuPct, genPct, s.online, m_window.published,
         m_window.ack.percentileMs(50), m_window.deliveries, s.p50, s.p99);
    m_window = Window();
    m_lastSampleNs = now;
    m_lastServerCpu = server;
    m_lastSelfCpu = self;
}

bool Soak::settled() const
{
    for (const Client &c : m_clients) {
        if (!c.online || !c.outbox.empty() || !c.pending.empty())
            return false;
        for (size_t ch = 0; ch < c.channels.size(); ++ch) {
            const Channel &s = c.channels[ch];
            if (s.member && (s.sub != Sub::Live || s.lastSeq < m_maxSeq[ch]))
                return false;
        }
    }
    return true;
}

bool Soak::checkHistory(Json &out)
{
    // A client of its own reads every channel from seq 1: gapless, each acknowledged message
    // once at the seq its ack gave, and nothing the clients did not send.
    Conn &conn = m_e.add();
    m_byConn.resize(m_e.conns.size(), -1);
    conn.user = int(m_e.users.size()) - 1; // the checker's account
    std::string reply;
    bool got = false;
    m_e.onConfabText = [&](Conn &c, std::string_view text) {
        if (c.index == conn.index) {
            if (text.substr(0, 14) == "{\"t\":\"reply\",\"") {
                reply.assign(text);
                got = true;
            }
        } else if (m_byConn[size_t(c.index)] >= 0) {
            onText(clientOf(c), text);
        }
    };
    auto call = [&](const std::string &body) {
        got = false;
        m_e.sendText(conn, "{\"id\":" + std::to_string(conn.nextId++) + body + "}");
        return m_e.runUntil([&] { return got || conn.failed; }, 30) &&
               reply.find("\"error\":{") == std::string::npos;
    };
    bool opened = false;
    m_e.onOpened = [&](Conn &c) {
        if (c.index == conn.index)
            opened = true;
    };
    m_e.start(conn);
    if (!m_e.runUntil([&] { return opened || conn.failed; }, 30) ||
        !call(",\"t\":\"hello\",\"v\":1,\"auth\":{\"token\":\"" +
              m_e.users[size_t(conn.user)].token + "\"},\"client\":\"confab-soak-check/1\"")) {
        logf("soak: the history check could not sign in");
        return false;
    }
    m_e.markReady(conn);
    uint64_t stored = 0, gaps = 0, strangers = 0, twice = 0, misplaced = 0;
    std::map<uint64_t, int64_t> seen;
    for (size_t ch = 0; ch < m_names.size(); ++ch) {
        int64_t last = 0;
        bool more = true;
        while (more) {
            if (!call(",\"t\":\"history\",\"channel\":\"" + m_names[ch] +
                      "\",\"after\":" + std::to_string(last) + ",\"limit\":200")) {
                logf("soak: history of %s failed: %.200s", m_names[ch].c_str(), reply.c_str());
                return false;
            }
            more = reply.find("\"more\":true") != std::string::npos;
            size_t at = 0;
            int64_t pageLast = last;
            while ((at = reply.find("\"seq\":", at)) != std::string::npos) {
                const size_t begin = reply.rfind('{', at);
                const size_t end = reply.find('}', at);
                const std::string_view object(reply.data() + begin, end - begin + 1);
                at = end;
                int64_t seq = 0, from = 0, counter = 0, sentNs = 0;
                std::string_view text;
                jsonInt(object, "seq", &seq);
                ++stored;
                if (seq != pageLast + 1) {
                    gaps += uint64_t(std::max<int64_t>(1, seq - pageLast - 1));
                    fault("history of %s: seq %" PRId64 " after %" PRId64, m_names[ch].c_str(), seq,
                          pageLast);
                }
                pageLast = std::max(pageLast, seq);
                if (!jsonStr(object, "text", &text) ||
                    !parseSoakText(text, &from, &counter, &sentNs)) {
                    ++strangers;
                    continue;
                }
                const uint64_t id = messageId(int(from), counter);
                if (!seen.emplace(id, seq).second) {
                    ++twice;
                    fault("history of %s: message %" PRId64 "/%" PRId64 " stored twice",
                          m_names[ch].c_str(), from, counter);
                }
                auto acked = m_acked.find(id);
                if (acked != m_acked.end() && acked->second != std::make_pair(int(ch), seq)) {
                    ++misplaced;
                    fault("history of %s: message %" PRId64 "/%" PRId64 " at seq %" PRId64
                          ", acknowledged at %" PRId64,
                          m_names[ch].c_str(), from, counter, seq, acked->second.second);
                }
            }
            if (pageLast == last)
                break;
            last = pageLast;
        }
        if (last != m_maxSeq[ch]) {
            gaps += uint64_t(std::abs(m_maxSeq[ch] - last));
            fault("history of %s ends at %" PRId64 ", clients saw %" PRId64, m_names[ch].c_str(),
                  last, m_maxSeq[ch]);
        }
    }
    uint64_t lost = 0;
    for (const auto &[id, where] : m_acked)
        lost += seen.count(id) ? 0 : 1;
    logf("soak: history holds %" PRIu64 " messages: %" PRIu64 " gaps, %" PRIu64
         " acknowledged but absent, %" PRIu64 " stored twice, %" PRIu64 " misplaced, %" PRIu64
         " not ours",
         stored, gaps, lost, twice, misplaced, strangers);
    out.key("history").open('{');
    out.key("stored").num(double(stored));
    out.key("gaps").num(double(gaps));
    out.key("acked_absent").num(double(lost));
    out.key("stored_twice").num(double(twice));
    out.key("misplaced").num(double(misplaced));
    out.key("not_ours").num(double(strangers));
    out.close('}');
    m_e.drop(conn);
    return gaps == 0 && lost == 0 && twice == 0 && misplaced == 0 && strangers == 0;
}

int Soak::run()
{
    const int n = m_s.clients;
    for (int i = 0; i < m_s.channels; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "soak-%02d", i);
        m_names.emplace_back(name);
        m_weights.push_back(1.0 / double(i + 1)); // a few busy channels, a long quiet tail
    }
    m_idAtSeq.assign(size_t(m_s.channels), {});
    m_maxSeq.assign(size_t(m_s.channels), 0);
    // One account per client (u00000, u00001, … as tests/soak/soak.sh makes them, all with
    // --password; the first sign-in uses it, later ones the token) and the admin `root`, who
    // creates the channels and reads the history at the end.
    std::vector<int> userIds;
    for (int i = 0; i <= n; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "u%05d", i);
        m_e.users.push_back({i < n ? name : "root", {}});
        userIds.push_back(int(m_e.users.size()) - 1);
    }
    {
        Conn &admin = m_e.add();
        admin.user = userIds.back();
        m_e.start(admin);
        m_e.runUntil([&] { return admin.ready || admin.failed; }, 30);
        if (!admin.ready)
            die("root cannot sign in (accounts made with confab-soak-accounts?)");
        int created = 0;
        m_e.onRequestDone = [&](Conn &, int64_t) { ++created; };
        for (const std::string &name : m_names)
            m_e.confabRequest(admin, Pending::Create,
                              ",\"channel\":\"" + name + "\",\"topic\":\"soak\",\"private\":false");
        m_e.runUntil([&] { return created == m_s.channels || admin.failed; }, 30);
        m_e.onRequestDone = nullptr;
        if (created != m_s.channels || m_e.errors)
            die("cannot create the soak channels");
        m_e.drop(admin);
    }

    m_e.onOpened = [this](Conn &conn) { onOpened(clientOf(conn)); };
    m_e.onConfabText = [this](Conn &conn, std::string_view text) { onText(clientOf(conn), text); };
    m_e.onLost = [this](Conn &conn) {
        if (size_t(conn.index) >= m_byConn.size() || m_byConn[size_t(conn.index)] < 0)
            return; // the history check's own connection
        Client &c = clientOf(conn);
        ++m_serverCloses;
        ++m_closeCodes[conn.closeCode];
        fault("client %d: connection ended by the server or network (close %d)", c.index,
              conn.closeCode);
        conn.closeCode = 0;
        lose(c, false, nowNs());
        c.reconnectAt = after(1);
    };
    const int64_t start = nowNs();
    for (int i = 0; i < n; ++i) {
        Client c;
        c.index = i;
        c.user = userIds[size_t(i)];
        c.conn = m_e.add().index;
        c.channels.resize(size_t(m_s.channels));
        // Most hold the busiest channel, and two or three more by popularity.
        if (uniform(0, 1) < 0.6)
            c.channels[0].member = true;
        const int more = 2 + int(m_rng() % 2);
        for (int k = 0; k < more; ++k)
            c.channels[size_t(pickChannel())].member = true;
        m_clients.push_back(std::move(c));
    }
    m_byConn.assign(m_e.conns.size(), -1);
    for (const Client &c : m_clients)
        m_byConn[size_t(c.conn)] = c.index;
    // Everyone arrives (the server sees a thousand hellos and joins), then life begins.
    m_behave = false;
    for (Client &c : m_clients)
        connect(c);
    m_e.runUntil(
        [&] {
            tick(nowNs());
            return settled();
        },
        120);
    const int64_t arrived = nowNs();
    int online = 0;
    for (const Client &c : m_clients)
        online += c.online ? 1 : 0;
    logf("soak: %d/%d clients signed in and joined in %.1f s", online, n,
         double(arrived - start) / 1e9);
    if (online != n)
        die("not every client came online");
    const int fdsStart = fdCount(m_e.serverPid);
    const double rssStart = double(rssKib(m_e.serverPid)) / 1024.0;

    if (!m_s.csv.empty()) {
        m_csv = std::fopen(m_s.csv.c_str(), "w");
        if (!m_csv)
            die("cannot write the CSV file");
        std::fputs("t_s,rss_mb,fds,server_cpu_pct,gen_cpu_pct,p50_ms,p99_ms,max_ms,"
                   "live_deliveries,published,online,faults,final,ack_p50_ms,ack_p99_ms\n",
                   m_csv);
    }
    m_t0 = nowNs();
    m_lastSampleNs = m_t0;
    m_lastServerCpu = cpuOfPidNs(m_e.serverPid);
    m_lastSelfCpu = cpuSelfNs();
    sample(m_t0, false);
    // Spread every client's first action over its mean, so that life starts smoothly.
    for (Client &c : m_clients) {
        c.nextPublish = m_t0 + int64_t(uniform(0, m_s.publishMeanS) * kNsPerS);
        c.nextDrop = m_t0 + int64_t(uniform(0, m_s.dropMeanS) * kNsPerS);
        c.nextChurn = m_t0 + int64_t(uniform(0, m_s.churnMeanS) * kNsPerS);
        c.nextAway = m_t0 + int64_t(uniform(0, m_s.awayMeanS) * kNsPerS);
    }
    m_behave = true;
    const int64_t end = m_t0 + int64_t(m_s.durationS * kNsPerS);
    m_nextSampleNs = m_t0 + int64_t(m_s.sampleS * kNsPerS);
    int64_t lastTick = 0;
    m_e.runUntil(
        [&] {
            const int64_t now = nowNs();
            if (now - lastTick >= 20 * kNsPerMs) {
                lastTick = now;
                tick(now);
            }
            if (now >= m_nextSampleNs) {
                sample(now, false);
                m_nextSampleNs += int64_t(m_s.sampleS * kNsPerS);
            }
            return now >= end;
        },
        m_s.durationS + 60);

    // Settle: no new behaviour; everyone comes back, resends and catches up.
    m_behave = false;
    for (auto &[fd, when] : m_zombies)
        ::close(fd);
    m_zombies.clear();
    const int64_t settleStart = nowNs();
    for (Client &c : m_clients) {
        c.composeChannel = -1;
        if (!c.online && !c.connecting)
            c.reconnectAt = settleStart;
    }
    const bool calm = m_e.runUntil(
        [&] {
            tick(nowNs());
            return settled();
        },
        m_s.settleS);
    // The server closes the half-open sockets it saw reset; give it a moment to do so.
    m_e.runUntil([&] { return fdCount(m_e.serverPid) <= fdsStart; }, 10);
    const double settleSeconds = double(nowNs() - settleStart) / 1e9;
    sample(nowNs(), true);
    const int fdsEnd = fdCount(m_e.serverPid);
    uint64_t behind = 0;
    for (Client &c : m_clients) {
        for (size_t ch = 0; ch < c.channels.size(); ++ch) {
            Channel &s = c.channels[ch];
            if (s.member && s.haveBase) {
                behind += uint64_t(std::max<int64_t>(0, m_maxSeq[ch] - s.lastSeq));
                s.lastSeq = std::max(s.lastSeq, m_maxSeq[ch]);
            }
            closeInterval(s);
        }
    }
    m_missing += behind;
    uint64_t unacked = 0;
    for (const Client &c : m_clients)
        unacked += c.outbox.size();

    Json out;
    out.open('{');
    out.key("scenario").str("soak");
    out.key("clients").num(n);
    out.key("channels").num(m_s.channels);
    out.key("duration_s").num(m_s.durationS);
    out.key("settled").boolean(calm);
    out.key("settle_s").num(settleSeconds);
    const bool historyOk = checkHistory(out);

    // Growth: the server after warm-up (10-30% of the run) against its last tenth.
    std::vector<Sample> during(m_samples.begin(), m_samples.end() - 1);
    auto meanOf = [&](double from, double to, auto field) {
        double sum = 0;
        int count = 0;
        for (const Sample &s : during)
            if (s.t >= from * m_s.durationS && s.t <= to * m_s.durationS) {
                sum += field(s);
                ++count;
            }
        return count ? sum / count : 0.0;
    };
    const auto rss = [](const Sample &s) { return s.rssMb; };
    // (A run too short for a sample in that window compares with its first one.)
    const double rssRef = meanOf(0.1, 0.3, rss) > 0 ? meanOf(0.1, 0.3, rss) : during.front().rssMb;
    const double rssEnd = meanOf(0.9, 1.01, rss);
    double rssMax = 0, cpuMax = 0, cpuSum = 0, p99Max = 0;
    int fdsMax = 0;
    // Least squares over the second half: MB per hour.
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int half = 0;
    for (const Sample &s : during) {
        rssMax = std::max(rssMax, s.rssMb);
        fdsMax = std::max(fdsMax, s.fds);
        cpuMax = std::max(cpuMax, s.cpuPct);
        cpuSum += std::max(0.0, s.cpuPct);
        p99Max = std::max(p99Max, s.p99);
        if (s.t >= m_s.durationS / 2) {
            const double h = s.t / 3600.0;
            sx += h;
            sy += s.rssMb;
            sxx += h * h;
            sxy += h * s.rssMb;
            ++half;
        }
    }
    const double slope = half > 2 && (half * sxx - sx * sx) > 0
                             ? (half * sxy - sx * sy) / (half * sxx - sx * sx)
                             : 0;
    const bool noGrowth = rssEnd - rssRef <= std::max(5.0, 0.05 * rssRef) && fdsEnd <= fdsStart;
    const uint64_t faults = m_duplicates + m_missing + m_wrongMessage + m_unexpected + unacked;
    const bool noLoss = faults == 0 && historyOk && calm;
    const bool clean = m_errors == 0 && m_serverCloses == 0;

    out.key("server").open('{');
    out.key("rss_start_mb").num(std::round(rssStart * 10) / 10);
    out.key("rss_after_warmup_mb").num(std::round(rssRef * 10) / 10);
    out.key("rss_end_mb").num(std::round(rssEnd * 10) / 10);
    out.key("rss_max_mb").num(std::round(rssMax * 10) / 10);
    out.key("rss_slope_second_half_mb_per_h").num(std::round(slope * 10) / 10);
    out.key("fds_start").num(fdsStart);
    out.key("fds_end").num(fdsEnd);
    out.key("fds_max").num(fdsMax);
    out.key("cpu_mean_pct")
        .num(std::round(cpuSum / double(std::max<size_t>(2, during.size()) - 1) * 10) / 10);
    out.key("cpu_max_pct").num(std::round(cpuMax * 10) / 10);
    out.close('}');
    out.key("latency").open('{');
    out.key("live_deliveries").num(double(m_liveDeliveries));
    out.key("p50_ms").num(m_latencyAll.percentileMs(50));
    out.key("p99_ms").num(m_latencyAll.percentileMs(99));
    out.key("p999_ms").num(m_latencyAll.percentileMs(99.9));
    out.key("max_ms").num(m_latencyAll.maxMs());
    out.key("worst_window_p99_ms").num(p99Max);
    out.key("ack_p50_ms").num(m_ackAll.percentileMs(50));
    out.key("ack_p99_ms").num(m_ackAll.percentileMs(99));
    out.close('}');
    out.key("messages").open('{');
    out.key("published").num(double(m_published));
    out.key("acked").num(double(m_acks));
    out.key("resent").num(double(m_resent));
    out.key("dup_acks").num(double(m_dupAcks));
    out.key("unacked").num(double(unacked));
    out.key("delivered").num(double(m_delivered));
    out.key("expected").num(double(m_expected));
    out.key("missing").num(double(m_missing));
    out.key("duplicates").num(double(m_duplicates));
    out.key("wrong_message").num(double(m_wrongMessage));
    out.key("unexpected").num(double(m_unexpected));
    out.key("gaps_announced").num(double(m_gapsAnnounced));
    out.close('}');
    out.key("behaviour").open('{');
    out.key("drops").num(double(m_drops));
    out.key("silent_drops").num(double(m_silentDrops));
    out.key("drops_after_publish").num(double(m_dropsAfterPublish));
    out.key("reconnects").num(double(m_reconnects));
    out.key("joins").num(double(m_joins));
    out.key("leaves").num(double(m_leaves));
    out.key("typing_sent").num(double(m_typingSent));
    out.key("presence_sent").num(double(m_presenceSent));
    out.key("typing_seen").num(double(m_typingSeen));
    out.key("presence_seen").num(double(m_presenceSeen));
    out.key("member_seen").num(double(m_memberSeen));
    out.close('}');
    out.key("error_replies").num(double(m_errors));
    out.key("sign_ins_throttled").num(double(m_throttled));
    out.key("server_closes").num(double(m_serverCloses));
    out.key("no_growth").boolean(noGrowth);
    out.key("no_loss").boolean(noLoss);
    out.key("pass").boolean(noGrowth && noLoss && clean);
    out.close('}');
    std::printf("%s\n", out.text().c_str());
    std::fflush(stdout);
    if (m_csv)
        std::fclose(m_csv);
    logf("soak verdict: %s (growth: RSS %.1f -> %.1f MB, fds %d -> %d; loss: %" PRIu64
         " faults, history %s; %" PRIu64 " error replies, %" PRIu64 " server closes)",
         noGrowth && noLoss && clean ? "PASS" : "FAIL", rssRef, rssEnd, fdsStart, fdsEnd, faults,
         historyOk ? "ok" : "BAD", m_errors, m_serverCloses);
    return noGrowth && noLoss && clean ? 0 : 1;
}

int runSoak(const Options &o)
{
    raiseFdLimit();
    Engine e;
    setupEngine(e, o);
    if (e.proto != Proto::Confab)
        die("soak is a confab scenario");
    e.seqCheck = false;
    // Fewer handshakes at once than elsewhere: the first sign-ins carry passwords, and the
    // server lets at most 100 of those from one address run at a time.
    e.maxInflight = int(o.num("inflight", 64));
    Soak::Settings s;
    s.clients = int(o.num("clients", s.clients));
    s.channels = std::clamp(int(o.num("channels", s.channels)), 1, 99);
    s.durationS = o.num("duration-s", s.durationS);
    s.sampleS = o.num("sample-s", s.sampleS);
    s.publishMeanS = o.num("publish-mean-s", s.publishMeanS);
    s.dropMeanS = o.num("drop-mean-s", s.dropMeanS);
    s.churnMeanS = o.num("churn-mean-s", s.churnMeanS);
    s.awayMeanS = o.num("away-mean-s", s.awayMeanS);
    s.silentShare = o.num("silent-share", s.silentShare);
    s.dropAfterPublish = o.num("drop-after-publish", s.dropAfterPublish);
    s.settleS = o.num("settle-s", s.settleS);
    s.csv = o.str("csv", "");
    s.seed = uint64_t(o.num("seed", 1));
    e.password = o.str("password", e.password);
    if (e.serverPid <= 0)
        die("soak samples the server: give --pid");
    Soak soak(e, s);
    return soak.run();
}

void usage()
{
    std::fputs(
        "usage: confab-bench SCENARIO --server 127.0.0.1:PORT [--pid SERVER_PID] [options]\n"
        "  fanout       --proto confab|sio|ws --subs 1000 --pubs 10 --rates 50,100,200\n"
        "               --step-s 4 --warm-s 1 --drain-s 3 --p99-ms 50 --max-messages N --assert 1\n"
        "  connections  --proto confab|sio|ws --n 10000 --hold-s 2\n"
        "  storm        --subs 1000 --pubs 10 --rate 50\n"
        "  durable      --pubs 1,10,100 --window 1 --duration-s 4\n"
        "  history      --channel general --iterations 500 --rewind 100 --limit 100\n"
        "  floor        --conns 1000 --rates 20,50,100,200 --step-s 3 --batch 1 (or 1,4)\n"
        "               --bytes 200 --send-cpu 0 --recv-cpu 1 (no server: loopback sends only)\n"
        "  soak         --pid SERVER_PID --password P (accounts u00000… and root, see\n"
        "               tests/soak/soak.sh) --clients 1000 --channels 20 --duration-s 1800\n"
        "               --sample-s 10 --csv FILE --publish-mean-s 45 --drop-mean-s 240\n"
        "               --churn-mean-s 240 --away-mean-s 300 --silent-share 0.25\n"
        "               --drop-after-publish 0.03 --settle-s 90 --seed 1\n"
        "Common: --inflight 256 (handshakes at once), --text-bytes 100, --users N.\n"
        "Confab accounts are created with `register` (the server needs --open-registration).\n",
        stderr);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage();
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    raiseFdLimit();
    const Options options(argc, argv);
    const std::string scenario = argv[1];
    if (scenario == "fanout")
        return runFanout(options);
    if (scenario == "connections")
        return runConnections(options);
    if (scenario == "storm")
        return runStorm(options);
    if (scenario == "durable")
        return runDurable(options);
    if (scenario == "history")
        return runHistory(options);
    if (scenario == "floor")
        return runFloor(options);
    if (scenario == "soak")
        return runSoak(options);
    usage();
    return 2;
}
