// SPDX-License-Identifier: Apache-2.0
#include "epolleventdispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>
#include <QtDebug>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#include <sanitizer/tsan_interface.h>
#define CONFAB_TSAN_ANNOTATE 1
#endif
#endif

namespace confab::server {

namespace {

// Qt's postEvent() hands an event over under a QMutex inside libQt6Core, which a distro Qt
// does not instrument: ThreadSanitizer sees no order between the poster's writes and the
// receiver's reads. Every post ends in wakeUp(), so a release there and an acquire before
// sendPostedEvents() tell it what the mutex guarantees (no-ops without TSan).
void announcePost([[maybe_unused]] const void *dispatcher)
{
#ifdef CONFAB_TSAN_ANNOTATE
    __tsan_release(const_cast<void *>(dispatcher));
#endif
}

void receivePosts([[maybe_unused]] const void *dispatcher)
{
#ifdef CONFAB_TSAN_ANNOTATE
    __tsan_acquire(const_cast<void *>(dispatcher));
#endif
}

constexpr int kReadySlots = 256; // events taken per epoll_wait

/// What epoll watches for a notifier type, and what makes it ready: like Qt's poll-based
/// dispatcher, an error or hang-up wakes every notifier of the descriptor.
constexpr quint32 kWatch[3] = {EPOLLIN, EPOLLOUT, EPOLLPRI};
constexpr quint32 kReady[3] = {EPOLLIN | EPOLLERR | EPOLLHUP, EPOLLOUT | EPOLLERR | EPOLLHUP,
                               EPOLLPRI | EPOLLERR | EPOLLHUP};

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_epoll(epoll_create1(EPOLL_CLOEXEC))
    , m_wakeFd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
{
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("EpollEventDispatcher: cannot create epoll or eventfd: %s", std::strerror(errno));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = m_wakeFd;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event) != 0)
        qFatal("EpollEventDispatcher: cannot watch the eventfd: %s", std::strerror(errno));
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epoll);
}

QAbstractEventDispatcher *EpollEventDispatcher::createForServer()
{
    if (qgetenv("CONFAB_EVENT_DISPATCHER") == "qt")
        return nullptr;
    const int probe = epoll_create1(EPOLL_CLOEXEC);
    if (probe < 0)
        return nullptr;
    ::close(probe);
    return new EpollEventDispatcher;
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.store(false, std::memory_order_relaxed);
    emit awake();
    // Posted events first, as Qt's dispatchers do. An event posted after this calls
    // wakeUp(), so the wait below never sleeps on it.
    receivePosts(this);
    QCoreApplication::sendPostedEvents();
    if (m_interrupted.load(std::memory_order_relaxed))
        return false;

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    int timeoutMs = 0;
    if (flags & QEventLoop::WaitForMoreEvents) {
        timeoutMs = includeTimers ? waitTimeoutMs() : -1;
        if (timeoutMs != 0)
            emit aboutToBlock();
    }

    int handled = 0;
    if (includeNotifiers) {
        epoll_event ready[kReadySlots];
        const int count = epoll_wait(m_epoll, ready, kReadySlots, timeoutMs);
        if (count < 0 && errno != EINTR)
            qWarning("EpollEventDispatcher: epoll_wait: %s", std::strerror(errno));
        // Local, not a member: a handler may run a nested loop that calls processEvents().
        std::vector<std::pair<int, quint32>> events;
        events.reserve(size_t(std::max(count, 0)));
        for (int i = 0; i < count; ++i) {
            if (ready[i].data.fd == m_wakeFd)
                drainWakeUps();
            else
                events.emplace_back(ready[i].data.fd, ready[i].events);
        }
        handled += activateSocketNotifiers(events);
    } else {
        // Only a wake-up may end this wait: the sockets stay ready (level-triggered).
        pollfd wake{m_wakeFd, POLLIN, 0};
        if (::poll(&wake, 1, timeoutMs) > 0)
            drainWakeUps();
    }
    if (includeTimers)
        handled += activateTimers();
    return handled > 0;
}

int EpollEventDispatcher::activateSocketNotifiers(
    const std::vector<std::pair<int, quint32>> &events)
{
    int activated = 0;
    for (const auto &[fd, revents] : events) {
        for (int type = 0; type < 3; ++type) {
            // Looked up anew each time: a handler may drop or replace any notifier.
            const auto it = m_watched.constFind(fd);
            if (it == m_watched.constEnd())
                break;
            QSocketNotifier *notifier = it->notifiers[type];
            if (!notifier || !(revents & kReady[type]))
                continue;
            QEvent event(QEvent::SockAct);
            QCoreApplication::sendEvent(notifier, &event);
            ++activated;
        }
    }
    return activated;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    Watched &watched = m_watched[fd];
    if (watched.notifiers[type] && watched.notifiers[type] != notifier)
        qWarning("EpollEventDispatcher: a second notifier of the same type for socket %d", fd);
    watched.notifiers[type] = notifier;
    updateEpoll(fd, watched);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const auto it = m_watched.find(fd);
    if (it == m_watched.end())
        return;
    const int type = int(notifier->type());
    if (it->notifiers[type] == notifier)
        it->notifiers[type] = nullptr;
    updateEpoll(fd, *it);
    if (!it->events)
        m_watched.erase(it);
}

void EpollEventDispatcher::updateEpoll(int fd, Watched &watched)
{
    quint32 wanted = 0;
    for (int type = 0; type < 3; ++type) {
        if (watched.notifiers[type])
            wanted |= kWatch[type];
    }
    if (wanted == watched.events)
        return;
    epoll_event event{};
    event.events = wanted;
    event.data.fd = fd;
    int result = 0;
    if (!wanted) {
        // Fails with EBADF/ENOENT when the descriptor was closed first: already gone.
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, &event);
    } else if (!watched.events) {
        result = epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
        if (result != 0 && errno == EEXIST) // a closed descriptor's number reused
            result = epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
    } else {
        result = epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
        if (result != 0 && errno == ENOENT) // closed and reopened under the same number
            result = epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
    }
    if (result != 0) {
        qWarning("EpollEventDispatcher: cannot watch socket %d: %s", fd, std::strerror(errno));
        wanted = 0;
    }
    watched.events = wanted;
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    Timer &timer = m_timers[timerId];
    timer.object = object;
    timer.intervalMs = std::max<qint64>(interval, 0);
    timer.type = timerType;
    schedule(timerId, timer, Clock::now() + std::chrono::milliseconds(timer.intervalMs));
}

void EpollEventDispatcher::schedule(int timerId, Timer &timer, Clock::time_point due)
{
    m_dueOrder.erase({timer.due, timerId});
    timer.due = due;
    m_dueOrder.insert({due, timerId});
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    m_dueOrder.erase({it->due, timerId});
    m_timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    bool any = false;
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->object == object) {
            m_dueOrder.erase({it->due, it.key()});
            it = m_timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo>
EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> timers;
    for (auto it = m_timers.cbegin(); it != m_timers.cend(); ++it) {
        if (it->object == object)
            timers.append(TimerInfo(it.key(), int(it->intervalMs), it->type));
    }
    return timers;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.constFind(timerId);
    if (it == m_timers.constEnd())
        return -1;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(it->due - Clock::now());
    return int(std::max<qint64>(left.count(), 0));
}

int EpollEventDispatcher::waitTimeoutMs() const
{
    // A timer whose handler runs (a nested loop) is not waited for, or the nested loop
    // would spin on it.
    for (const auto &[when, timerId] : m_dueOrder) {
        if (m_timers.value(timerId).firing)
            continue;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(when - Clock::now());
        return int(std::clamp<qint64>(left.count(), 0, std::numeric_limits<int>::max()));
    }
    return -1;
}

int EpollEventDispatcher::activateTimers()
{
    const Clock::time_point now = Clock::now();
    // The timers due now, fixed before any fires: one registered or re-armed by a handler
    // waits for the next turn, so a zero-interval timer cannot starve the loop.
    std::vector<int> due;
    for (const auto &[when, timerId] : m_dueOrder) {
        if (when > now)
            break;
        due.push_back(timerId);
    }
    int fired = 0;
    for (int timerId : due) {
        const auto it = m_timers.find(timerId);
        if (it == m_timers.end() || it->firing || it->due > now)
            continue; // killed, running in an outer loop, or re-armed meanwhile
        // Next due one interval on; after a stall, an interval from now (no burst).
        auto next = it->due + std::chrono::milliseconds(it->intervalMs);
        if (next <= now)
            next = now + std::chrono::milliseconds(it->intervalMs);
        schedule(timerId, *it, next);
        it->firing = true;
        QObject *object = it->object;
        QTimerEvent event(timerId);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
        // The handler may have killed the timer, or even deleted the object.
        if (const auto again = m_timers.find(timerId); again != m_timers.end())
            again->firing = false;
    }
    return fired;
}

void EpollEventDispatcher::wakeUp()
{
    announcePost(this);
    // One write per wake-up, however many threads post meanwhile.
    if (!m_wakeUpPending.exchange(true, std::memory_order_acq_rel)) {
        const quint64 one = 1;
        [[maybe_unused]] const auto written = ::write(m_wakeFd, &one, sizeof one);
    }
}

void EpollEventDispatcher::drainWakeUps()
{
    quint64 count = 0;
    [[maybe_unused]] const auto read = ::read(m_wakeFd, &count, sizeof count);
    m_wakeUpPending.store(false, std::memory_order_release);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

} // namespace confab::server
