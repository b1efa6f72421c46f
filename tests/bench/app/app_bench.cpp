// SPDX-License-Identifier: Apache-2.0
// The desktop app's speed (issue 14; docs/benchmarks.md, "The desktop app"). Each scenario
// seeds a data directory's local cache with the cache's own code (a real SQLite file) and a
// saved session, then measures the real app:
//
//   confab-app-bench seed --data DIR [--channels 50] [--messages 10000]
//       Only fills DIR (for looking at it with `confab --data DIR`).
//   confab-app-bench coldstart --app PATH [--channels 50] [--messages 10000] [--runs 5]
//       The `confab` binary as a process (CONFAB_FIRST_FRAME_LOG): from just before the
//       process starts to its first frame whose message list shows cached messages, and its
//       RSS then; alternating with runs on an empty data directory (the sign-in page) as the
//       peer.
//   confab-app-bench switch [--channels 2] [--messages 10000] [--rounds 20] [--peer-messages 10]
//       Main.qml in a real window (this process, the app's AppContext): from
//       AppContext::setCurrentChannel() to the first frame synchronised after it, between
//       channels of `messages` messages and, as the peer, two channels of `peer-messages`.
//   confab-app-bench scroll [--messages 100000] [--frames 1200] [--step 40] [--rounds 2]
//       Main.qml on one channel of `messages` messages, scrolled up `step` pixels per frame
//       (older pages load from the cache on the way): frame intervals from frameSwapped;
//       the peer is the same window redrawn every frame without scrolling.
//
// Run under a real X server (Xvfb) for real frames: tests/bench/run-app.sh. Each scenario
// prints a summary and, last, one JSON line.

#include "appcontext.h"
#include "cacheseeder.h"
#include "frameprobe.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QScreen>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <memory>

Q_IMPORT_QML_PLUGIN(Confab_UiPlugin)

using namespace Qt::StringLiterals;
using confab::bench::FrameProbe;
using confab::bench::monotonicNs;
using confab::ui::AppContext;

namespace {

constexpr double nsPerMs = 1e6;

/// Percentile `p` (0..1) of `values` (nearest rank); 0 when empty.
double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto rank = std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5));
    return values[rank];
}

QJsonObject summary(const std::vector<double> &values)
{
    return {{u"n"_s, qint64(values.size())},
            {u"median"_s, percentile(values, 0.5)},
            {u"p99"_s, percentile(values, 0.99)},
            {u"min"_s, values.empty() ? 0 : *std::min_element(values.begin(), values.end())},
            {u"max"_s, values.empty() ? 0 : *std::max_element(values.begin(), values.end())}};
}

void printSummary(const char *what, const std::vector<double> &values, const char *unit)
{
    std::printf("  %-44s median %8.2f  p99 %8.2f  min %8.2f  max %8.2f %s  (n=%zu)\n", what,
                percentile(values, 0.5), percentile(values, 0.99),
                values.empty() ? 0 : *std::min_element(values.begin(), values.end()),
                values.empty() ? 0 : *std::max_element(values.begin(), values.end()), unit,
                values.size());
}

/// A value from /proc/<pid>/status in KiB (VmRSS, VmHWM); -1 when unreadable.
qint64 procStatusKib(qint64 pid, const QByteArray &key)
{
    QFile file(pid > 0 ? u"/proc/%1/status"_s.arg(pid) : u"/proc/self/status"_s);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(key + ':'))
            return line.mid(key.size() + 1).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

void printJson(QJsonObject result)
{
    result.insert(u"cores"_s, QThread::idealThreadCount());
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
}

/// An integer option, or `fallback` when not given (each scenario has its own defaults).
int intOption(const QCommandLineParser &args, const QString &name, int fallback)
{
    return args.isSet(name) ? args.value(name).toInt() : fallback;
}

bool seed(const QString &dir, const confab::bench::SeedOptions &options)
{
    QString error;
    const auto result = confab::bench::seedDataDir(dir, options, &error);
    if (!result) {
        std::fprintf(stderr, "cannot seed %s: %s\n", qPrintable(dir), qPrintable(error));
        return false;
    }
    std::printf("seeded %d × %d messages (%s-*) in %.1f s; cache %.1f MiB\n", options.channels,
                options.messagesPerChannel, qPrintable(options.channelPrefix), result->seconds,
                double(result->dbBytes) / (1 << 20));
    std::fflush(stdout);
    return true;
}

// ---- cold start: the real binary ----

struct StartSample
{
    double firstFrameMs = -1;
    double messagesFrameMs = -1;
    qint64 rssKib = -1;
    qint64 hwmKib = -1;
};

/// Starts `app` on `dataDir`, waits for its first frame (and, when `withMessages`, its first
/// frame showing cached messages), lets it settle for `settleMs`, reads its memory, stops it.
std::optional<StartSample> startOnce(const QString &app, const QString &dataDir, bool withMessages,
                                     int settleMs)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"CONFAB_FIRST_FRAME_LOG"_s, u"1"_s);
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    StartSample sample;
    QByteArray pending;
    QObject::connect(&process, &QProcess::readyReadStandardError, [&] {
        pending += process.readAllStandardError();
        qsizetype newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(newline);
            pending.remove(0, newline + 1);
            const QList<QByteArray> parts = line.split(' ');
            if (parts.size() != 2)
                continue;
            if (parts[0] == "confab-first-frame")
                sample.firstFrameMs = double(parts[1].toLongLong());
            else if (parts[0] == "confab-first-messages-frame")
                sample.messagesFrameMs = double(parts[1].toLongLong());
        }
    });
    const qint64 started = monotonicNs();
    process.start(app, {u"--data"_s, dataDir});
    const bool shown = QTest::qWaitFor(
        [&] {
            return process.state() == QProcess::NotRunning ||
                   (withMessages ? sample.messagesFrameMs : sample.firstFrameMs) > 0;
        },
        60000);
    std::optional<StartSample> result;
    if (shown && process.state() == QProcess::Running) {
        QTest::qWait(settleMs); // pacing, not a condition: the app's memory after it settled
        sample.rssKib = procStatusKib(process.processId(), "VmRSS");
        sample.hwmKib = procStatusKib(process.processId(), "VmHWM");
        sample.firstFrameMs = (sample.firstFrameMs - double(started)) / nsPerMs;
        if (sample.messagesFrameMs > 0)
            sample.messagesFrameMs = (sample.messagesFrameMs - double(started)) / nsPerMs;
        result = sample;
    } else {
        std::fprintf(stderr, "confab did not show %s: %s\n",
                     withMessages ? "cached messages" : "a frame",
                     process.readAllStandardError().constData());
    }
    process.terminate();
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished(5000);
    }
    return result;
}

int coldStart(const QCommandLineParser &args)
{
    const QString app = args.value(u"app"_s);
    if (app.isEmpty() || !QFile::exists(app)) {
        std::fprintf(stderr, "coldstart needs --app PATH (the confab binary)\n");
        return 2;
    }
    QTemporaryDir cached;
    confab::bench::SeedOptions options;
    options.channels = intOption(args, u"channels"_s, 50);
    options.messagesPerChannel = intOption(args, u"messages"_s, 10000);
    if (!seed(cached.path(), options))
        return 1;
    const qint64 dbBytes = confab::bench::cacheBytes(cached.path());
    const int runs = intOption(args, u"runs"_s, 5);
    const int settleMs = intOption(args, u"settle-ms"_s, 1500);
    std::vector<double> frame, messages, rss, hwm, emptyFrame, emptyRss;
    for (int run = 0; run < runs; ++run) {
        // The peer first in each pair: an empty data directory (the sign-in page).
        QTemporaryDir empty;
        if (const auto s = startOnce(app, empty.path(), false, settleMs)) {
            emptyFrame.push_back(s->firstFrameMs);
            emptyRss.push_back(double(s->rssKib) / 1024);
        }
        const auto s = startOnce(app, cached.path(), true, settleMs);
        if (!s)
            return 1;
        frame.push_back(s->firstFrameMs);
        messages.push_back(s->messagesFrameMs);
        rss.push_back(double(s->rssKib) / 1024);
        hwm.push_back(double(s->hwmKib) / 1024);
        std::printf("run %d: cached: first frame %.0f ms, messages %.0f ms, RSS %.1f MiB; "
                    "empty: first frame %.0f ms\n",
                    run + 1, s->firstFrameMs, s->messagesFrameMs, double(s->rssKib) / 1024,
                    emptyFrame.empty() ? -1.0 : emptyFrame.back());
        std::fflush(stdout);
    }
    std::printf("cold start of %s, %d × %d cached messages (cache %.1f MiB):\n", qPrintable(app),
                options.channels, options.messagesPerChannel, double(dbBytes) / (1 << 20));
    printSummary("start → first frame with cached messages", messages, "ms");
    printSummary("start → first frame (cached dir)", frame, "ms");
    printSummary("start → first frame (empty dir, peer)", emptyFrame, "ms");
    printSummary("RSS after settling (cached)", rss, "MiB");
    printSummary("peak RSS (VmHWM, cached)", hwm, "MiB");
    printSummary("RSS after settling (empty dir, peer)", emptyRss, "MiB");
    std::printf("  ratio first messages frame / empty first frame (medians): %.2f\n",
                percentile(messages, 0.5) / percentile(emptyFrame, 0.5));
    printJson({{u"scenario"_s, u"coldstart"_s},
               {u"channels"_s, options.channels},
               {u"messages"_s, options.messagesPerChannel},
               {u"cache_bytes"_s, dbBytes},
               {u"messages_frame_ms"_s, summary(messages)},
               {u"first_frame_ms"_s, summary(frame)},
               {u"empty_first_frame_ms"_s, summary(emptyFrame)},
               {u"rss_mib"_s, summary(rss)},
               {u"hwm_mib"_s, summary(hwm)},
               {u"empty_rss_mib"_s, summary(emptyRss)}});
    return 0;
}

// ---- in this process: Main.qml in a real window ----

/// The app as main.cpp builds it (AppContext's launch options, the Basic style, Main.qml),
/// with a FrameProbe on its window.
class AppWindow
{
public:
    bool load(const QString &dataDir)
    {
        confab::ui::LaunchOptions options;
        options.dataDir = dataDir;
        AppContext::setLaunchOptions(options);
        QQuickStyle::setStyle(u"Basic"_s);
        m_engine.addImportPath(u"qrc:/qt/qml"_s);
        m_engine.load(QUrl(u"qrc:/qt/qml/Confab/Ui/Main.qml"_s));
        if (m_engine.rootObjects().isEmpty())
            return false;
        m_window = qobject_cast<QQuickWindow *>(m_engine.rootObjects().constFirst());
        if (!m_window)
            return false;
        m_probe = new FrameProbe(m_window);
        m_context =
            m_engine.singletonInstance<AppContext *>(qmlTypeId("Confab.Ui", 1, 0, "AppContext"));
        return m_context != nullptr;
    }

    QQuickWindow *window() const { return m_window; }
    AppContext *context() const { return m_context; }
    FrameProbe *probe() const { return m_probe; }
    QQuickItem *messageList() const
    {
        return confab::bench::findMessageList(m_window->contentItem());
    }

    /// Waits for a frame synchronised after `sinceNs` that shows `model`'s rows scrolled to
    /// the newest; returns its index in the probe's frames, or -1.
    qsizetype waitSettled(qint64 sinceNs, const QObject *model, int timeoutMs = 20000) const
    {
        qsizetype found = -1;
        const bool settled = QTest::qWaitFor(
            [&] {
                const auto frames = m_probe->frames();
                for (qsizetype i = qsizetype(frames.size()) - 1; i >= 0; --i) {
                    const auto &f = frames[size_t(i)];
                    if (f.syncNs < sinceNs)
                        break;
                    if (f.model == model && f.shown && f.atEnd)
                        found = i;
                }
                return found >= 0;
            },
            timeoutMs);
        return settled ? found : -1;
    }

private:
    QQmlApplicationEngine m_engine;
    QQuickWindow *m_window = nullptr;
    FrameProbe *m_probe = nullptr;
    AppContext *m_context = nullptr;
};

struct SwitchSample
{
    double callMs = 0;    ///< setCurrentChannel() itself (bindings, model, markRead)
    double frameMs = 0;   ///< to the first frame synchronised after the switch (the target)
    double shownMs = 0;   ///< to the first frame showing the new channel's rows
    double settledMs = 0; ///< to the first frame showing them scrolled to the newest
};

std::optional<SwitchSample> switchTo(AppWindow &app, const QString &channel)
{
    const qint64 t0 = monotonicNs();
    app.context()->setCurrentChannel(channel);
    const qint64 t1 = monotonicNs();
    const QObject *model = app.context()->messages();
    const qsizetype settled = app.waitSettled(t1, model);
    if (settled < 0) {
        std::fprintf(stderr, "#%s never showed its messages\n", qPrintable(channel));
        return std::nullopt;
    }
    SwitchSample sample;
    sample.callMs = double(t1 - t0) / nsPerMs;
    const auto frames = app.probe()->frames();
    bool first = true, shown = false;
    for (const auto &f : frames) {
        if (f.syncNs < t1)
            continue;
        if (first) {
            sample.frameMs = double(f.swapNs - t0) / nsPerMs;
            first = false;
        }
        if (!shown && f.model == model && f.shown) {
            sample.shownMs = double(f.swapNs - t0) / nsPerMs;
            shown = true;
        }
    }
    sample.settledMs = double(frames[size_t(settled)].swapNs - t0) / nsPerMs;
    // Pacing, not a condition: let the list's deferred work (measuring delegates) finish so
    // that it does not run into the next switch.
    QTest::qWait(200);
    return sample;
}

struct SwitchSeries
{
    std::vector<double> call, frame, shown, settled;
    void add(const SwitchSample &s)
    {
        call.push_back(s.callMs);
        frame.push_back(s.frameMs);
        shown.push_back(s.shownMs);
        settled.push_back(s.settledMs);
    }
    void print(const char *name) const
    {
        std::printf("%s:\n", name);
        printSummary("setCurrentChannel() call", call, "ms");
        printSummary("switch → first frame after it", frame, "ms");
        printSummary("switch → first frame with its rows", shown, "ms");
        printSummary("switch → rows at the newest", settled, "ms");
    }
    QJsonObject json() const
    {
        return {{u"call_ms"_s, summary(call)},
                {u"frame_ms"_s, summary(frame)},
                {u"shown_ms"_s, summary(shown)},
                {u"settled_ms"_s, summary(settled)}};
    }
};

bool openWindow(AppWindow &app, const QString &dir)
{
    const qint64 t0 = monotonicNs();
    if (!app.load(dir)) {
        std::fprintf(stderr, "cannot load Main.qml\n");
        return false;
    }
    if (!QTest::qWaitFor([&] { return app.context()->messages() != nullptr; }, 20000) ||
        app.waitSettled(t0, app.context()->messages()) < 0) {
        std::fprintf(stderr, "the window never showed cached messages\n");
        return false;
    }
    std::printf("window up on #%s after %.0f ms; screen %s at %.0f Hz; frames on the %s thread\n",
                qPrintable(app.context()->currentChannel()), double(monotonicNs() - t0) / nsPerMs,
                qPrintable(app.window()->screen()->name()), app.window()->screen()->refreshRate(),
                app.probe()->swapsOnGuiThread() ? "GUI (basic render loop)"
                                                : "render (threaded render loop)");
    std::fflush(stdout);
    return true;
}

int switchChannels(const QCommandLineParser &args)
{
    QTemporaryDir dir;
    confab::bench::SeedOptions big;
    big.channels = std::max(2, intOption(args, u"channels"_s, 2));
    big.messagesPerChannel = intOption(args, u"messages"_s, 10000);
    confab::bench::SeedOptions peer;
    peer.channelPrefix = u"peer"_s;
    peer.channels = 2;
    peer.messagesPerChannel = intOption(args, u"peer-messages"_s, 10);
    peer.seed = 15;
    if (!seed(dir.path(), big) || !seed(dir.path(), peer))
        return 1;
    AppWindow app;
    if (!openWindow(app, dir.path()))
        return 1;
    const qint64 rssOpenKib = procStatusKib(0, "VmRSS");

    // Every big channel once (a new model reads its newest page), then the peers once.
    SwitchSeries firstVisit, firstVisitPeer, revisit, revisitPeer;
    QStringList bigNames, peerNames;
    for (int c = 0; c < big.channels; ++c)
        bigNames.append(u"bench-%1"_s.arg(c, 2, 10, QLatin1Char('0')));
    for (int c = 0; c < peer.channels; ++c)
        peerNames.append(u"peer-%1"_s.arg(c, 2, 10, QLatin1Char('0')));
    for (const QString &name : bigNames) {
        if (name == app.context()->currentChannel())
            continue;
        const auto s = switchTo(app, name);
        if (!s)
            return 1;
        firstVisit.add(*s);
    }
    for (const QString &name : peerNames) {
        const auto s = switchTo(app, name);
        if (!s)
            return 1;
        firstVisitPeer.add(*s);
    }
    const qint64 rssVisitedKib = procStatusKib(0, "VmRSS");
    // Then back and forth, the big pair and the peer pair interleaved.
    const int rounds = intOption(args, u"rounds"_s, 20);
    for (int r = 0; r < rounds; ++r) {
        for (int i = 0; i < 2; ++i) {
            const auto s = switchTo(app, bigNames[i]);
            if (!s)
                return 1;
            revisit.add(*s);
            const auto p = switchTo(app, peerNames[i]);
            if (!p)
                return 1;
            revisitPeer.add(*p);
        }
    }
    std::printf("switching channels in Main.qml (%d × %d messages; peer: 2 × %d):\n", big.channels,
                big.messagesPerChannel, peer.messagesPerChannel);
    firstVisit.print("first visit of a big channel");
    firstVisitPeer.print("first visit of a peer channel");
    revisit.print("back and forth between two big channels");
    revisitPeer.print("back and forth between the two peer channels");
    std::printf("  ratio big / peer, back and forth, switch → first frame (medians): %.2f\n",
                percentile(revisit.frame, 0.5) / percentile(revisitPeer.frame, 0.5));
    const qint64 rssEndKib = procStatusKib(0, "VmRSS");
    std::printf("RSS: %.1f MiB after opening, %.1f MiB after visiting all %d channels, %.1f MiB "
                "at the end; peak %.1f MiB; cache %.1f MiB\n",
                double(rssOpenKib) / 1024, double(rssVisitedKib) / 1024, big.channels + 2,
                double(rssEndKib) / 1024, double(procStatusKib(0, "VmHWM")) / 1024,
                double(confab::bench::cacheBytes(dir.path())) / (1 << 20));
    printJson({{u"scenario"_s, u"switch"_s},
               {u"channels"_s, big.channels},
               {u"messages"_s, big.messagesPerChannel},
               {u"peer_messages"_s, peer.messagesPerChannel},
               {u"first_visit"_s, firstVisit.json()},
               {u"first_visit_peer"_s, firstVisitPeer.json()},
               {u"revisit"_s, revisit.json()},
               {u"revisit_peer"_s, revisitPeer.json()},
               {u"rss_open_mib"_s, double(rssOpenKib) / 1024},
               {u"rss_visited_mib"_s, double(rssVisitedKib) / 1024},
               {u"hwm_mib"_s, double(procStatusKib(0, "VmHWM")) / 1024},
               {u"cache_bytes"_s, confab::bench::cacheBytes(dir.path())}});
    return 0;
}

struct FrameRun
{
    std::vector<double> intervalsMs;
    int rowsBefore = 0;
    int rowsAfter = 0;
    double scrolledPx = 0;
    bool complete = false; ///< every frame came
};

/// `frames` frames: each afterAnimating (GUI thread, before the frame's sync) moves the list
/// up by `step` pixels (0: the peer, nothing moves but the frame is drawn all the same) and
/// asks for the next frame. Older pages are loaded from the cache on the way (AppContext::
/// loadOlder(), two screens before the top).
FrameRun runFrames(AppWindow &app, int frames, double step)
{
    QQuickItem *list = app.messageList();
    QQuickWindow *window = app.window();
    FrameRun run;
    run.rowsBefore = list->property("count").toInt();
    // As a user's scrolling would: the list no longer keeps to the newest message, and
    // reaching the top loads the next older page (ChatPage's onAtYBeginningChanged).
    list->setProperty("stickToEnd", false);
    int stepped = 0;
    const qsizetype firstFrame = app.probe()->frameCount();
    auto connection = QObject::connect(window, &QQuickWindow::afterAnimating, list, [&] {
        if (stepped >= frames)
            return;
        ++stepped;
        if (step > 0) {
            const double y = list->property("contentY").toDouble();
            const double top = list->property("originY").toDouble();
            const double next = std::max(top, y - step);
            run.scrolledPx += y - next;
            list->setProperty("contentY", next);
            // ChatPage asks for an older page only when atYBeginning turns true, and a page
            // inserted while at the very top keeps it true: scrolling on would stop there
            // (docs/benchmarks.md). Ask, as a prefetching list would, two screens early.
            if (next - top < 2 * list->height())
                app.context()->loadOlder();
        }
        window->update();
    });
    window->update();
    run.complete = QTest::qWaitFor(
        [&] { return app.probe()->frameCount() >= firstFrame + frames + 1; }, frames * 200);
    if (!run.complete)
        std::fprintf(stderr, "only %lld of %d frames came\n",
                     static_cast<long long>(app.probe()->frameCount() - firstFrame), frames);
    QObject::disconnect(connection);
    const auto all = app.probe()->frames();
    for (size_t i = size_t(firstFrame) + 1; i < all.size() && i <= size_t(firstFrame + frames); ++i)
        run.intervalsMs.push_back(double(all[i].swapNs - all[i - 1].swapNs) / nsPerMs);
    run.rowsAfter = list->property("count").toInt();
    return run;
}

QJsonObject frameJson(const std::vector<double> &intervals, double budgetMs)
{
    QJsonObject o = summary(intervals);
    o.insert(u"over_budget"_s, qint64(std::count_if(intervals.begin(), intervals.end(),
                                                    [&](double v) { return v > budgetMs; })));
    return o;
}

int scroll(const QCommandLineParser &args)
{
    QTemporaryDir dir;
    confab::bench::SeedOptions options;
    options.channels = 1;
    options.messagesPerChannel = intOption(args, u"messages"_s, 100000);
    if (!seed(dir.path(), options))
        return 1;
    AppWindow app;
    if (!openWindow(app, dir.path()))
        return 1;
    const int frames = intOption(args, u"frames"_s, 1200);
    const double step = intOption(args, u"step"_s, 40);
    const int rounds = intOption(args, u"rounds"_s, 2);
    const double hz = app.window()->screen()->refreshRate();
    const double budgetMs = 1.5 * 1000.0 / hz;
    std::vector<double> scrolled, floor;
    int pagesLoaded = 0;
    double scrolledPx = 0;
    for (int r = 0; r < rounds; ++r) {
        const FrameRun peer = runFrames(app, frames, 0);
        floor.insert(floor.end(), peer.intervalsMs.begin(), peer.intervalsMs.end());
        const FrameRun run = runFrames(app, frames, step);
        if (!peer.complete || !run.complete)
            return 1;
        scrolled.insert(scrolled.end(), run.intervalsMs.begin(), run.intervalsMs.end());
        pagesLoaded += (run.rowsAfter - run.rowsBefore) / 100;
        scrolledPx += run.scrolledPx;
        std::printf("round %d: scrolled %.0f px, rows %d → %d\n", r + 1, run.scrolledPx,
                    run.rowsBefore, run.rowsAfter);
        std::fflush(stdout);
    }
    const auto over = [&](const std::vector<double> &v) {
        return std::count_if(v.begin(), v.end(), [&](double x) { return x > budgetMs; });
    };
    std::printf("scrolling #%s (%d messages) %.0f px per frame, %d frames × %d rounds; refresh "
                "%.0f Hz, budget 1.5 × %.2f ms = %.2f ms:\n",
                qPrintable(app.context()->currentChannel()), options.messagesPerChannel, step,
                frames, rounds, hz, 1000.0 / hz, budgetMs);
    printSummary("frame interval while scrolling", scrolled, "ms");
    printSummary("frame interval, redraw only (peer)", floor, "ms");
    std::printf("  frames over budget: scrolling %td of %zu, peer %td of %zu; %d older pages "
                "loaded, %.0f px scrolled\n",
                over(scrolled), scrolled.size(), over(floor), floor.size(), pagesLoaded,
                scrolledPx);
    printJson({{u"scenario"_s, u"scroll"_s},
               {u"messages"_s, options.messagesPerChannel},
               {u"step_px"_s, step},
               {u"refresh_hz"_s, hz},
               {u"budget_ms"_s, budgetMs},
               {u"scrolling"_s, frameJson(scrolled, budgetMs)},
               {u"peer"_s, frameJson(floor, budgetMs)},
               {u"pages_loaded"_s, pagesLoaded},
               {u"scrolled_px"_s, scrolledPx}});
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    QCoreApplication::setApplicationName(u"confab-app-bench"_s);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"The desktop app's speed: coldstart, switch or scroll."_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"scenario"_s, u"seed, coldstart, switch or scroll"_s);
    parser.addOptions({
        {u"app"_s, u"coldstart: the confab binary."_s, u"PATH"_s},
        {u"data"_s, u"seed: the data directory to fill."_s, u"DIR"_s},
        {u"channels"_s, u"Channels to seed (coldstart 50, switch 2)."_s, u"N"_s},
        {u"messages"_s, u"Messages per channel (10000; scroll 100000)."_s, u"N"_s},
        {u"runs"_s, u"coldstart: starts of each kind (5)."_s, u"N"_s},
        {u"settle-ms"_s, u"coldstart: wait before reading RSS (1500)."_s, u"MS"_s},
        {u"rounds"_s, u"switch: back-and-forth rounds (20); scroll: rounds (2)."_s, u"N"_s},
        {u"peer-messages"_s, u"switch: messages in the peer channels (10)."_s, u"N"_s},
        {u"frames"_s, u"scroll: frames per run (1200)."_s, u"N"_s},
        {u"step"_s, u"scroll: pixels per frame (40)."_s, u"PX"_s},
    });
    parser.process(application);
    const QString scenario = parser.positionalArguments().value(0);
    if (scenario == u"seed"_s) {
        confab::bench::SeedOptions options;
        options.channels = intOption(parser, u"channels"_s, 50);
        options.messagesPerChannel = intOption(parser, u"messages"_s, 10000);
        const QString dir = parser.value(u"data"_s);
        if (dir.isEmpty()) {
            std::fprintf(stderr, "seed needs --data DIR\n");
            return 2;
        }
        return seed(dir, options) ? 0 : 1;
    }
    if (scenario == u"coldstart"_s)
        return coldStart(parser);
    if (scenario == u"switch"_s)
        return switchChannels(parser);
    if (scenario == u"scroll"_s)
        return scroll(parser);
    parser.showHelp(2);
}
