// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractEventDispatcher>
#include <QHash>

#include <atomic>
#include <chrono>
#include <set>
#include <utility>
#include <vector>

namespace confab::server {

/// An event dispatcher for the server's main thread on Linux epoll.
///
/// Qt 6.4's Unix dispatcher rebuilds a pollfd array of every socket notifier and polls all
/// of them on every turn of the event loop: with 1,000 subscribers a fifth of the server's
/// CPU at low message rates went to ppoll(), and the cost grows with every idle
/// connection. Here each notifier is registered with the kernel once, and a turn costs
/// only what is ready. Timers are kept in due order; wakeUp() is an eventfd.
///
/// Install before the QCoreApplication exists (QCoreApplication::setEventDispatcher), in
/// the thread that runs the server. Timers fire no earlier than due, with millisecond
/// resolution, whatever their Qt::TimerType.
class EpollEventDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    /// The dispatcher to install in confabd: this one, unless the environment asks for
    /// Qt's own (CONFAB_EVENT_DISPATCHER=qt) or the kernel has no epoll; null then.
    static QAbstractEventDispatcher *createForServer();

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    using Clock = std::chrono::steady_clock;

    struct Watched // the notifiers of one descriptor (Read, Write, Exception)
    {
        QSocketNotifier *notifiers[3] = {nullptr, nullptr, nullptr};
        quint32 events = 0; // what epoll watches for
    };
    struct Timer
    {
        QObject *object = nullptr;
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        Clock::time_point due;
        bool firing = false; // its handler runs: not fired again from a nested loop
    };

    /// Makes epoll watch what `watched` asks for; drops `fd` from both when nothing.
    void updateEpoll(int fd, Watched &watched);
    /// Sends QEvent::SockAct to the notifiers that `events` (per descriptor) made ready.
    int activateSocketNotifiers(const std::vector<std::pair<int, quint32>> &events);
    int activateTimers();
    /// epoll_wait's timeout in ms: 0 when a timer is due, -1 with no timer.
    int waitTimeoutMs() const;
    void drainWakeUps();
    void schedule(int timerId, Timer &timer, Clock::time_point due);

    int m_epoll = -1;
    int m_wakeFd = -1; // eventfd
    std::atomic<bool> m_wakeUpPending{false};
    std::atomic<bool> m_interrupted{false};
    QHash<int, Watched> m_watched;
    QHash<int, Timer> m_timers;
    std::set<std::pair<Clock::time_point, int>> m_dueOrder; // (due, timer id)
};

} // namespace confab::server
