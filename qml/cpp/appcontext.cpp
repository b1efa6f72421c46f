// SPDX-License-Identifier: Apache-2.0
#include "appcontext.h"

#include "adminpresencemodel.h"
#include "adminstats.h"
#include "apptray.h"
#include "channellistmodel.h"
#include "chatclient.h"
#include "chatnotifications.h"
#include "connectionstatus.h"
#include "desktopnotifier.h"
#include "hostaccount.h"
#include "hostsession.h"
#include "membermodel.h"
#include "mentions.h"
#include "messagemodel.h"
#include "typingboard.h"
#include "uistatelog.h"

#include <QCoreApplication>
#include <QDir>
#include <QEvent>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QStandardPaths>

#include <cstdio>

using namespace Qt::StringLiterals;
using confab::client::ChatClient;
using confab::client::Connection;

namespace confab::ui {

Q_LOGGING_CATEGORY(lcUi, "confab.ui")

namespace {

// Set by main() before the QML engine exists; read once by create().
LaunchOptions &launchOptions()
{
    static LaunchOptions options;
    return options;
}

using State = Connection::State;

QString defaultDataDir()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
        .filePath(u"confab-desktop"_s);
}

} // namespace

void AppContext::setLaunchOptions(const LaunchOptions &options)
{
    launchOptions() = options;
}

AppContext *AppContext::create(QQmlEngine *qmlEngine, QJSEngine *jsEngine)
{
    Q_UNUSED(jsEngine)
    LaunchOptions options = launchOptions();
    launchOptions().password.clear();
    // The QML engine owns singletons it creates; parent it for an orderly teardown.
    return new AppContext(options, qmlEngine);
}

AppContext::AppContext(const LaunchOptions &options, QObject *parent)
    : QObject(parent)
    , m_launch(options)
{
    if (m_launch.dataDir.isEmpty())
        m_launch.dataDir = defaultDataDir();
    m_client = new ChatClient(m_launch.dataDir, {}, this);
    QString error;
    if (!m_client->start(&error))
        qCWarning(lcUi) << "cannot open the local database:" << error;
    m_host = new HostController(m_client, m_launch.dataDir, this);
    m_tray = new desktop::AppTray(this);
    m_host->setTray(m_tray);
    m_notifier = new desktop::DesktopNotifier(QDBusConnection::sessionBus(), this);
    m_notifications = new desktop::ChatNotifications(m_client, m_notifier, this);
    m_notifications->setWindowFocused(m_windowActive);
    connect(m_notifier, &desktop::DesktopNotifier::activated, this,
            &AppContext::openFromNotification);
    m_discovered = new client::DiscoveredServersModel(this);
    // The sidebar's sections: one list, two filtered views of it.
    auto sidebarSection = [this](bool direct) {
        auto *proxy = new QSortFilterProxyModel(this);
        proxy->setSourceModel(m_client->channelListModel());
        proxy->setFilterRole(client::ChannelListModel::IsDirectRole);
        proxy->setFilterFixedString(direct ? u"true"_s : u"false"_s);
        return proxy;
    };
    m_groupChannels = sidebarSection(false);
    m_directChannels = sidebarSection(true);
    if (!m_launch.trustedSha256.isEmpty())
        m_client->trustCertificate(m_launch.serverUrl, m_launch.trustedSha256);

    Connection *connection = m_client->connection();
    connect(connection, &Connection::stateChanged, this, &AppContext::busyChanged);
    connect(connection, &Connection::signedIn, this, [this] {
        setSignInError({});
        setSignedIn(true);
        Q_EMIT userChanged();
    });
    connect(connection, &Connection::credentialsRejected, this, [this, connection](bool wasToken) {
        if (!wasToken)
            return;
        // Back to the sign-in page with the reason (signed out, disabled), never a blank one.
        setSignedIn(false);
        setSignInError(connection->errorString());
    });
    connect(connection, &Connection::stateChanged, this, [this, connection](State state) {
        // While signing in, an error that stops the engine is the sign-in page's sentence.
        if (!m_signedIn && state == State::Offline)
            setSignInError(connection->errorString());
    });
    connect(m_client, &ChatClient::userChanged, this, &AppContext::userChanged);
    connect(m_client, &ChatClient::awayChanged, this, &AppContext::awayChanged);
    connect(m_client, &ChatClient::signedOut, this, [this] {
        setSignedIn(false);
        setAdminError({});
    });
    connect(m_client, &ChatClient::adminWatchFailed, this, &AppContext::setAdminError);
    connect(m_client, &ChatClient::adminWatchStarted, this, [this] { setAdminError({}); });
    connect(m_client, &ChatClient::kicked, this, [this](const QString &target, qint64 closed) {
        Q_EMIT kickSucceeded(target, int(closed));
    });
    connect(m_client, &ChatClient::kickFailed, this, &AppContext::kickFailed);
    connect(m_client, &ChatClient::channelLeft, this, [this](const QString &channel) {
        if (channel == m_current)
            setCurrentChannel({});
        selectFirstChannelIfNone();
        Q_EMIT notice(tr("You left #%1.").arg(channel), false);
    });
    connect(m_client, &ChatClient::leaveFailed, this,
            [this](const QString &, const QString &reason) { Q_EMIT notice(reason, true); });
    connect(m_client, &ChatClient::joinFailed, this,
            [this](const QString &, const QString &reason) { Q_EMIT notice(reason, true); });
    connect(m_client, &ChatClient::directFailed, this,
            [this](const QString &, const QString &reason) { Q_EMIT notice(reason, true); });
    connect(m_client, &ChatClient::invited, this,
            [this](const QString &channel, const QString &user) {
                Q_EMIT notice(tr("%1 can now see #%2.").arg(user, channel), false);
            });
    connect(m_client, &ChatClient::inviteFailed, this,
            [this](const QString &, const QString &, const QString &reason) {
                Q_EMIT notice(reason, true);
            });
    connect(m_client, &ChatClient::userAdded, this, [this](const QString &user) {
        Q_EMIT personAdded(user, m_pendingPasswords.take(user));
    });
    connect(m_client, &ChatClient::addUserFailed, this,
            [this](const QString &user, const QString &reason) {
                m_pendingPasswords.remove(user);
                Q_EMIT personAddFailed(user, reason);
            });
    // The channel the user just created is the one to show.
    connect(m_client, &ChatClient::channelCreated, this, [this](const QString &channel) {
        setCurrentChannel(channel);
        Q_EMIT channelCreated(channel);
    });
    connect(m_client, &ChatClient::channelCreateFailed, this,
            [this](const QString &, const QString &reason) { Q_EMIT channelCreateFailed(reason); });
    connect(m_client->typingBoard(), &client::TypingBoard::changed, this,
            [this](const QString &channel) {
                if (channel == m_current)
                    Q_EMIT typingUsersChanged();
            });
    // Read on another device: its notification has done its job there.
    connect(m_client, &ChatClient::readPositionChanged, this, [this](const QString &channel) {
        const auto *channels = m_client->channelListModel();
        const int row = channels->rowOf(channel);
        if (row >= 0 &&
            channels->data(channels->index(row), client::ChannelListModel::UnreadCountRole) == 0)
            m_notifier->withdraw(channel);
    });
    // The channel on screen is being read: its new messages never count as unread.
    connect(m_client, &ChatClient::messageReceived, this, [this](const Message &message) {
        if (message.channel == m_current && m_windowActive)
            m_client->markRead(m_current);
    });
    auto *channels = m_client->channelListModel();
    for (const auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(channels, signal, this, &AppContext::recountUnread);
    connect(channels, &QAbstractItemModel::modelReset, this, &AppContext::recountUnread);
    connect(channels, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &, const QModelIndex &, const QList<int> &roles) {
                if (roles.isEmpty() || roles.contains(client::ChannelListModel::UnreadCountRole))
                    recountUnread();
            });
    connect(this, &AppContext::currentTopicChanged, this, &AppContext::windowTitleChanged);
    connect(this, &AppContext::signedInChanged, this, &AppContext::windowTitleChanged);
    recountUnread();
    // Queued: a sign-in inserts the channels one by one; choose once they are all there.
    connect(channels, &QAbstractItemModel::rowsInserted, this,
            &AppContext::selectFirstChannelIfNone, Qt::QueuedConnection);
    connect(channels, &QAbstractItemModel::dataChanged, this, &AppContext::currentTopicChanged);
    // Left or lost elsewhere (another device, an admin): show another channel.
    connect(
        channels, &QAbstractItemModel::rowsRemoved, this,
        [this, channels] {
            if (!m_current.isEmpty() && channels->rowOf(m_current) < 0) {
                setCurrentChannel({});
                selectFirstChannelIfNone();
            }
        },
        Qt::QueuedConnection);

    m_stateLog = UiStateLog::createIfAsked(this);
    m_lastActivity.start();
    QCoreApplication::instance()->installEventFilter(this);

    if (m_launch.host) {
        hostFromCommandLine(); // signs in as the host once the server runs
    } else if (!m_launch.user.isEmpty() && !m_launch.password.isEmpty()) {
        signIn(m_launch.serverUrl.toString(), m_launch.user, m_launch.password);
        m_launch.password.clear();
    } else if (m_client->resumeSession()) {
        // Offline-first: the cached channels show at once, the token signs in meanwhile.
        setSignedIn(true);
    }
    selectFirstChannelIfNone();
}

AppContext::~AppContext()
{
    if (QCoreApplication *app = QCoreApplication::instance())
        app->removeEventFilter(this);
}

QString AppContext::defaultUser() const
{
    return m_launch.user.isEmpty() ? m_client->user() : m_launch.user;
}

bool AppContext::isBusy() const
{
    const State state = m_client->connection()->state();
    return state == State::Connecting || state == State::Authenticating ||
           (state == State::WaitingToRetry && !m_signedIn);
}

QString AppContext::user() const
{
    return m_client->user();
}

bool AppContext::isAdmin() const
{
    const Connection *connection = m_client->connection();
    return connection->isSignedIn() && connection->session().user.role == Role::Admin;
}

QString AppContext::session() const
{
    const Connection *connection = m_client->connection();
    return connection->isSignedIn() ? connection->session().session : QString();
}

bool AppContext::isAway() const
{
    return m_client->isAway();
}

client::ConnectionStatus *AppContext::status() const
{
    return m_client->connectionStatus();
}

client::ChannelListModel *AppContext::channels() const
{
    return m_client->channelListModel();
}

client::AdminPresenceModel *AppContext::adminPresence() const
{
    return m_client->adminPresenceModel();
}

client::AdminStats *AppContext::adminStats() const
{
    return m_client->adminPresenceModel()->stats();
}

void AppContext::setWindowActive(bool active)
{
    if (m_windowActive == active)
        return;
    m_windowActive = active;
    m_notifications->setWindowFocused(active);
    Q_EMIT windowActiveChanged();
}

void AppContext::recountUnread()
{
    const auto *channels = m_client->channelListModel();
    int total = 0;
    for (int row = 0; row < channels->rowCount(); ++row)
        total += channels->index(row).data(client::ChannelListModel::UnreadCountRole).toInt();
    if (total == m_unreadTotal)
        return;
    m_unreadTotal = total;
    m_tray->setUnreadTotal(total);
    Q_EMIT unreadTotalChanged();
    Q_EMIT windowTitleChanged();
}

QString AppContext::windowTitle() const
{
    QString title = u"Confab"_s;
    if (m_signedIn && !m_current.isEmpty()) {
        const bool direct = m_client->channelListModel()->otherUser(m_current).size() > 0;
        title = (direct ? currentTitle() : u'#' + m_current) + u" — "_s + title;
    }
    return m_unreadTotal > 0 ? u"(%1) "_s.arg(m_unreadTotal) + title : title;
}

bool AppContext::mentionsMe(const QString &text) const
{
    return client::mentionsUser(text, m_client->user());
}

void AppContext::openFromNotification(const QString &channel)
{
    if (m_client->channelListModel()->rowOf(channel) >= 0)
        setCurrentChannel(channel);
    m_host->leaveBackground();
    Q_EMIT raiseRequested();
}

void AppContext::setCurrentChannel(const QString &channel)
{
    if (channel == m_current)
        return;
    m_current = channel;
    m_messages = channel.isEmpty() ? nullptr : m_client->messageModel(channel);
    m_members = channel.isEmpty() ? nullptr : m_client->memberModel(channel);
    if (!channel.isEmpty()) {
        // The "New messages" line goes after what was read before this visit.
        m_messages->setReadMarker(m_client->lastReadSeq(channel));
        m_client->markRead(channel);
        m_notifier->withdraw(channel); // read now: its notification has done its job
    }
    Q_EMIT currentChannelChanged();
    Q_EMIT currentTopicChanged();
    Q_EMIT typingUsersChanged();
}

QString AppContext::currentTopic() const
{
    const auto *channels = m_client->channelListModel();
    const int row = channels->rowOf(m_current);
    if (row < 0)
        return {};
    return channels->data(channels->index(row), client::ChannelListModel::TopicRole).toString();
}

QString AppContext::currentTitle() const
{
    const auto *channels = m_client->channelListModel();
    const int row = channels->rowOf(m_current);
    if (row < 0)
        return m_current;
    return channels->data(channels->index(row), client::ChannelListModel::TitleRole).toString();
}

client::MessageModel *AppContext::messages() const
{
    return m_messages.data();
}

client::MemberModel *AppContext::members() const
{
    return m_members.data();
}

QStringList AppContext::typingUsers() const
{
    return m_current.isEmpty() ? QStringList() : m_client->typingBoard()->typing(m_current);
}

bool AppContext::checkSignInForm(const QString &serverUrl, const QString &user,
                                 const QString &password, const QString &whenEmpty)
{
    setSignInError({});
    QString problem = m_client->addressProblem(serverUrl);
    if (problem.isEmpty() && (user.trimmed().isEmpty() || password.isEmpty()))
        problem = whenEmpty;
    setSignInError(problem);
    return problem.isEmpty();
}

void AppContext::signIn(const QString &serverUrl, const QString &user, const QString &password)
{
    if (checkSignInForm(serverUrl, user, password, tr("Enter your user name and password.")))
        m_client->signIn(serverUrl, user.trimmed(), password);
}

void AppContext::createAccount(const QString &serverUrl, const QString &user,
                               const QString &password, const QString &display)
{
    if (checkSignInForm(serverUrl, user, password, tr("Choose a user name and a password.")))
        m_client->registerAccount(serverUrl, user.trimmed(), password, display.trimmed());
}

void AppContext::cancelSignIn()
{
    m_client->cancelSignIn();
    setSignInError({});
}

void AppContext::signOut()
{
    setCurrentChannel({});
    m_client->logout();
    setSignedIn(false);
}

void AppContext::retryNow()
{
    m_client->retryNow();
}

void AppContext::trustPendingCertificate()
{
    setSignInError({});
    m_client->trustPendingCertificate();
}

void AppContext::cancelCertificate()
{
    m_client->connectionStatus()->clearCertificate();
    setSignInError({});
}

bool AppContext::send(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (m_current.isEmpty() || trimmed.isEmpty())
        return false;
    return !m_client->sendMessage(m_current, trimmed).isEmpty();
}

void AppContext::retry(const QString &cid)
{
    m_client->retry(cid);
}

void AppContext::discard(const QString &cid)
{
    m_client->discard(cid);
}

void AppContext::setDraft(const QString &text)
{
    if (!m_current.isEmpty())
        m_client->setDraft(m_current, text);
    if (m_stateLog)
        m_stateLog->composerChanged(text);
}

void AppContext::markRead()
{
    if (!m_current.isEmpty())
        m_client->markRead(m_current);
}

void AppContext::loadOlder()
{
    if (m_messages && m_messages->canFetchMore({}))
        m_messages->fetchMore({});
}

void AppContext::createChannel(const QString &name, const QString &topic, bool isPrivate)
{
    // Answered by channelCreated or channelCreateFailed.
    m_client->createChannel(name, topic, isPrivate);
}

void AppContext::joinChannel(const QString &channel)
{
    m_client->joinChannel(channel);
    setCurrentChannel(channel);
}

void AppContext::leaveChannel(const QString &channel)
{
    m_client->leaveChannel(channel); // answered by channelLeft or leaveFailed
}

void AppContext::openDirect(const QString &user)
{
    const QString channel = m_client->openDirect(user);
    if (!channel.isEmpty())
        setCurrentChannel(channel);
}

void AppContext::inviteToCurrent(const QString &user)
{
    if (!m_current.isEmpty())
        m_client->invite(m_current, user);
}

void AppContext::watchAdmin()
{
    if (isAdmin())
        m_client->watchAdmin();
}

void AppContext::stopWatchingAdmin()
{
    m_client->stopAdminWatch();
}

void AppContext::setAdminFilter(const QStringList &statuses, const QString &userGlob,
                                const QString &channel, double idleOverMs)
{
    AdminWatchFilter filter;
    for (const QString &name : statuses) {
        const auto status = presenceStatusFromName(name);
        if (status && !filter.statuses.contains(*status))
            filter.statuses.append(*status);
    }
    filter.userGlob = userGlob.trimmed();
    filter.channel = channel.trimmed().toLower();
    if (idleOverMs > 0)
        filter.idleOverMs = qint64(idleOverMs);
    m_client->setAdminWatchFilter(filter);
}

void AppContext::kickUser(const QString &user, const QString &reason)
{
    m_client->kick(ChatClient::KickTarget::User, user, reason);
}

void AppContext::kickSession(const QString &session, const QString &reason)
{
    m_client->kick(ChatClient::KickTarget::Session, session, reason);
}

void AppContext::addPerson(const QString &user, const QString &display)
{
    const QString name = user.trimmed().toLower();
    const QString password = client::HostAccount::randomPassword();
    m_pendingPasswords.insert(name, password);
    m_client->addUser(name, password, display);
}

void AppContext::activity()
{
    m_lastActivity.restart();
    m_client->userActivity();
}

bool AppContext::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::Wheel:
    case QEvent::TouchBegin:
        activity();
        break;
    case QEvent::MouseMove:
    case QEvent::HoverMove:
        if (m_lastActivity.elapsed() > 1000)
            activity();
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

void AppContext::setSignedIn(bool signedIn)
{
    if (m_signedIn == signedIn)
        return;
    m_signedIn = signedIn;
    Q_EMIT signedInChanged();
    Q_EMIT busyChanged();
}

void AppContext::setSignInError(const QString &error)
{
    if (m_signInError == error)
        return;
    m_signInError = error;
    Q_EMIT signInErrorChanged();
}

void AppContext::setAdminError(const QString &error)
{
    if (m_adminError == error)
        return;
    m_adminError = error;
    Q_EMIT adminErrorChanged();
}

void AppContext::hostFromCommandLine()
{
    using client::HostSettings;
    client::HostSession *session = m_host->session();
    HostSettings settings = session->savedSettings();
    if (!m_launch.hostListen.isEmpty()) {
        const qsizetype colon = m_launch.hostListen.lastIndexOf(u':');
        const QHostAddress address(m_launch.hostListen.left(colon));
        settings.port = m_launch.hostListen.mid(colon + 1).toInt();
        settings.scope =
            address.isLoopback() ? HostSettings::Scope::LocalOnly : HostSettings::Scope::Network;
    }
    if (!m_launch.hostName.isEmpty())
        settings.serverName = m_launch.hostName;
    // Scripts and tests wait for this line: once, when the server first accepts connections.
    auto *once = new QObject(this);
    connect(session, &client::HostSession::running, once, [session, once] {
        std::printf("hosting on %s\n", qPrintable(session->shareUrl().toString()));
        std::fflush(stdout);
        once->deleteLater();
    });
    connect(session, &client::HostSession::problemChanged, this, [session] {
        if (!session->problem().isEmpty())
            std::fprintf(stderr, "confab: %s\n", qPrintable(session->problem()));
    });
    if (!session->start(settings))
        std::fprintf(stderr, "confab: cannot host: %s\n", qPrintable(session->problem()));
}

void AppContext::selectFirstChannelIfNone()
{
    const auto *channels = m_client->channelListModel();
    if (!m_current.isEmpty() || channels->rowCount() == 0)
        return;
    // The server's default channel when there is one, else the first by name.
    const QStringList names = channels->names();
    setCurrentChannel(names.contains(u"general"_s) ? u"general"_s : names.first());
}

} // namespace confab::ui
