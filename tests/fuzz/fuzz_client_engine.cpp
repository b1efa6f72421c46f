// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the app's client engine (ChatClient: its Connection, ChannelSync,
// OutboxSender, MessageCache, Outbox and models). Each input scripts a server: a ChatClient
// with a fresh local database signs in to a raw WebSocket peer on loopback, and the input
// says what the peer sends (replies to the client's requests built from templates with
// fuzzed fields, errors, messages with seq jumps, duplicates and echoes of the user's own
// cids, `synced`, typing, presence, read, channel and member events, `bye`, raw frames, close
// codes) and what the user does (send, join, leave, create, open a conversation, mark read,
// type, change status, retry, disconnect). Checked on every input:
//   - no crash, hang, leak or undefined behaviour (the sanitizers);
//   - every channel's MessageModel stays a valid model (QAbstractItemModelTester, fatal),
//     its sent messages in strictly rising seq order, each (author, cid) once, the user's
//     pending and failed ones after them;
//   - the client's frames have a known type, and its requests ids 1, 2, ... per connection;
//   - the outbox never loses a message the user wrote: each is still in the outbox or in
//     the cache (acknowledged), unless its channel left the cache meanwhile.

#include "chatclient.h"
#include "codec.h"
#include "maskedframes.h"
#include "messagecache.h"
#include "messagemodel.h"
#include "outbox.h"
#include "replies.h"

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>
#include <QtEndian>

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::client;

namespace {

const QString me = u"alice"_s;
constexpr qint64 waitLimitMs = 10000;

[[noreturn]] void fail(const char *what, const QString &detail)
{
    std::fprintf(stderr, "fuzz_client_engine: %s\n  %s\n", what, qPrintable(detail));
    std::abort();
}

/// One request the client sent on the current connection.
struct ClientRequest
{
    RequestId id = 0;
    QString type;
    QJsonObject frame;
    bool answered = false;
};

/// The server side: a raw WebSocket endpoint on loopback that records the client's frames
/// and sends what it is told. Pings with a number make a barrier: the client answers a ping
/// after every frame before it has been handled.
class Peer : public QObject
{
public:
    Peer()
    {
        if (!m_server.listen(QHostAddress::LocalHost, 0))
            fail("cannot listen", m_server.errorString());
        connect(&m_server, &QTcpServer::newConnection, this, &Peer::accept);
    }

    QUrl url() const { return QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_server.serverPort())); }
    bool isOpen() const { return m_socket && m_open; }
    QList<ClientRequest> requests; ///< on the current connection
    QList<QString> publishedCids;  ///< cids of every `publish` the client sent

    void sendText(const QByteArray &json) { sendFrame(0x1, json); }
    void sendClose(quint16 code)
    {
        QByteArray payload(2, 0);
        qToBigEndian<quint16>(code, payload.data());
        sendFrame(0x8, payload);
        drop();
    }
    void drop()
    {
        if (!m_socket)
            return;
        m_open = false;
        m_socket->flush();
        m_socket->disconnectFromHost();
    }
    /// Waits until the client has handled everything sent so far (or the connection ended).
    void barrier()
    {
        if (!isOpen())
            return;
        const QByteArray token = QByteArray::number(++m_pings);
        sendFrame(0x9, token);
        QElapsedTimer clock;
        clock.start();
        while (isOpen() && m_lastPong != token) {
            if (clock.elapsed() > waitLimitMs)
                fail("the client did not answer a ping", QString::fromLatin1(token));
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        }
    }
    /// Waits for the client to connect and send `hello` while `trying`; false when it does not.
    bool waitForHello(const std::function<bool()> &trying)
    {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < waitLimitMs && trying()) {
            for (const ClientRequest &r : std::as_const(requests)) {
                if (r.type == "hello"_L1)
                    return true;
            }
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        }
        return false;
    }

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            if (m_socket)
                m_socket->deleteLater();
            m_socket = socket;
            m_buffer.clear();
            m_open = false;
            requests.clear();
            connect(socket, &QTcpSocket::readyRead, this, &Peer::read);
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                if (socket == m_socket)
                    m_open = false;
            });
        }
    }

    void read()
    {
        auto *socket = qobject_cast<QTcpSocket *>(sender());
        if (socket != m_socket)
            return;
        m_buffer += socket->readAll();
        if (!m_open && !handshake(socket))
            return;
        while (const auto masked = confab::test::takeMaskedFrame(m_buffer)) {
            const quint8 opcode = masked->opcode;
            const QByteArray &payload = masked->payload;
            if (opcode == 0x1)
                received(payload);
            else if (opcode == 0xA)
                m_lastPong = payload;
            else if (opcode == 0x8)
                drop();
        }
    }

    bool handshake(QTcpSocket *socket)
    {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        const QByteArray request = m_buffer.left(end);
        m_buffer.remove(0, end + 4);
        QByteArray key;
        for (const QByteArray &line : request.split('\n')) {
            if (line.toLower().startsWith("sec-websocket-key:"))
                key = line.mid(18).trimmed();
        }
        const QByteArray accept =
            QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                     QCryptographicHash::Sha1)
                .toBase64();
        socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                      accept + "\r\nSec-WebSocket-Protocol: confab.v1\r\n\r\n");
        m_open = true;
        return true;
    }

    void received(const QByteArray &json)
    {
        // Requests get ids 1, 2, ... per connection (names and other values may be ones the
        // fuzzed server made up, which the real server would refuse: not checked here).
        QJsonParseError error;
        const QJsonObject frame = QJsonDocument::fromJson(json, &error).object();
        const QString type = frame.value("t"_L1).toString();
        if (error.error != QJsonParseError::NoError || type.isEmpty() || !clientFrameIndex(type))
            fail("the client sent a frame of no known type", QString::fromUtf8(json));
        if (type == "publish"_L1)
            publishedCids.append(frame.value("cid"_L1).toString());
        if (type == "typing"_L1)
            return;
        const RequestId id = frame.value("id"_L1).toInteger();
        if (id != RequestId(requests.size()) + 1)
            fail("a request id out of sequence", QString::fromUtf8(json));
        requests.append({id, type, frame});
    }

    void sendFrame(quint8 opcode, const QByteArray &payload)
    {
        if (!isOpen())
            return;
        QByteArray header;
        header.append(char(0x80 | opcode));
        if (payload.size() < 126) {
            header.append(char(payload.size()));
        } else if (payload.size() < 65536) {
            header.append(char(126));
            QByteArray length(2, 0);
            qToBigEndian<quint16>(quint16(payload.size()), length.data());
            header.append(length);
        } else {
            header.append(char(127));
            QByteArray length(8, 0);
            qToBigEndian<quint64>(quint64(payload.size()), length.data());
            header.append(length);
        }
        m_socket->write(header + payload);
    }

    QTcpServer m_server;
    QTcpSocket *m_socket = nullptr;
    QByteArray m_buffer;
    bool m_open = false;
    quint64 m_pings = 0;
    QByteArray m_lastPong;
};

Peer *peer = nullptr;

const QStringList channelNames = {u"general"_s, u"random"_s, u"dm:alice:bob"_s, u"x"_s};

QString fuzzedString(FuzzedDataProvider &data, size_t max = 24)
{
    return QString::fromUtf8(data.ConsumeRandomLengthString(max));
}

QString pickChannel(FuzzedDataProvider &data)
{
    const auto choice = data.ConsumeIntegralInRange<qsizetype>(0, channelNames.size());
    return choice == channelNames.size() ? fuzzedString(data, 12) : channelNames[choice];
}

QString pickUser(FuzzedDataProvider &data)
{
    switch (data.ConsumeIntegralInRange(0, 3)) {
    case 0:
        return me;
    case 1:
        return u"bob"_s;
    case 2:
        return u"carol"_s;
    default:
        return fuzzedString(data, 12);
    }
}

/// A seq near what the channel has seen: next, same, earlier, a jump, or anything.
qint64 pickSeq(FuzzedDataProvider &data, qint64 &last)
{
    qint64 seq = 0;
    switch (data.ConsumeIntegralInRange(0, 5)) {
    case 0:
    case 1:
        seq = last + 1;
        break;
    case 2:
        seq = last;
        break;
    case 3:
        seq = last - data.ConsumeIntegralInRange<qint64>(1, 5);
        break;
    case 4:
        seq = last + data.ConsumeIntegralInRange<qint64>(2, 2000);
        break;
    default:
        seq = data.ConsumeIntegralInRange<qint64>(-5, qint64(1) << 53);
        break;
    }
    last = std::max(last, seq);
    return seq;
}

/// A message the user wrote.
struct Written
{
    QString cid;
    QString channel;
};

QHash<QString, qint64> lastSeqs; ///< per channel, the highest seq the peer sent (this input)

/// What the scripted server has said (this input), so that it never contradicts itself: one
/// message per (channel, seq), and one seq per (channel, author, cid). Seqs still jump, repeat
/// (the same message again) and come out of order.
struct History
{
    QHash<QString, QHash<qint64, Message>> bySeq;
    QHash<QString, qint64> seqOfCid; ///< "channel\nfrom\ncid"

    static QString key(const QString &channel, const QString &from, const QString &cid)
    {
        return channel + u'\n' + from + u'\n' + cid;
    }
    void record(const Message &m)
    {
        bySeq[m.channel].insert(m.seq, m);
        seqOfCid.insert(key(m.channel, m.from, m.cid), m.seq);
    }
} history;

Message message(FuzzedDataProvider &data, const QString &channel)
{
    const qint64 seq = pickSeq(data, lastSeqs[channel]);
    if (const auto it = history.bySeq[channel].constFind(seq); it != history.bySeq[channel].cend())
        return *it; // that seq again: the same message
    Message m;
    m.channel = channel;
    m.seq = seq;
    m.mid = u"m%1"_s.arg(m.seq);
    m.from = pickUser(data);
    m.cid = u"c%1"_s.arg(m.seq);
    // Now and then the echo of one of the user's own messages (at its seq, if it has one).
    if (m.from == me && !peer->publishedCids.isEmpty() && data.ConsumeBool()) {
        const QString cid = peer->publishedCids.value(
            data.ConsumeIntegralInRange<qsizetype>(0, peer->publishedCids.size() - 1));
        if (const auto known = history.seqOfCid.constFind(History::key(channel, me, cid));
            known != history.seqOfCid.cend())
            return history.bySeq[channel].value(*known);
        m.cid = cid;
    }
    m.ts = 1'700'000'000'000 + m.seq;
    m.text = data.ConsumeBool() ? u"hi"_s : fuzzedString(data, 40);
    if (m.text.isEmpty())
        m.text = u"."_s;
    history.record(m);
    return m;
}

Channel channel(FuzzedDataProvider &data, const QString &name)
{
    Channel c;
    c.name = name;
    c.topic = data.ConsumeBool() ? QString() : fuzzedString(data, 12);
    c.isPrivate = name.startsWith("dm:"_L1) || data.ConsumeBool();
    c.lastSeq = data.ConsumeIntegralInRange<qint64>(0, 50);
    return c;
}

/// An `ok` for `request`, shaped as the server's (with fuzzed values).
void replyOk(FuzzedDataProvider &data, const ClientRequest &request)
{
    const QJsonObject &r = request.frame;
    const QString name = r.value("channel"_L1).toString();
    QJsonObject ok;
    if (request.type == "hello"_L1) {
        HelloOk hello;
        hello.user = UserInfo{me, u"Alice"_s, data.ConsumeBool() ? Role::User : Role::Admin};
        hello.token = u"token-1"_s;
        hello.session = u"s1"_s;
        hello.limits.text = data.ConsumeIntegralInRange(1, 16384);
        hello.server = u"fuzz/1"_s;
        hello.protocol = data.ConsumeBool() ? u"1.2"_s : QString();
        const int count = data.ConsumeIntegralInRange(0, 3);
        for (int i = 0; i < count; ++i)
            hello.channels.append(channel(data, pickChannel(data)));
        ok = hello.toJson();
    } else if (request.type == "join"_L1) {
        JoinOk join;
        join.channel = channel(data, name);
        join.lastSeq = pickSeq(data, lastSeqs[name]);
        join.readSeq = data.ConsumeIntegralInRange<qint64>(0, 60);
        if (data.ConsumeBool())
            join.members.append(Member{pickUser(data), PresenceStatus::Online});
        if (data.ConsumeBool())
            join.typing.append(pickUser(data));
        peer->sendText(encodeReplyOk(request.id, join.toJson()));
        // Catch-up, then `synced` (maybe with a gap).
        const int count = data.ConsumeIntegralInRange(0, 4);
        qint64 first = 0;
        for (int i = 0; i < count; ++i) {
            const Message m = message(data, name);
            if (i == 0)
                first = m.seq;
            peer->sendText(encodeMsgEvent(m));
        }
        if (data.ConsumeBool())
            peer->sendText(encodeServerFrame(
                SyncedEvent{name, count ? first : lastSeqs[name] + 1, lastSeqs[name]}));
        return;
    } else if (request.type == "publish"_L1) {
        // The seq this cid already has (a repeated publish), else a new one.
        const QString cid = r.value("cid"_L1).toString();
        Message m;
        if (const auto known = history.seqOfCid.constFind(History::key(name, me, cid));
            known != history.seqOfCid.cend()) {
            m = history.bySeq[name].value(*known);
        } else {
            qint64 seq = pickSeq(data, lastSeqs[name]);
            if (history.bySeq[name].contains(seq))
                seq = ++lastSeqs[name];
            m = Message{name,
                        seq,
                        u"m%1"_s.arg(seq),
                        cid,
                        me,
                        1'700'000'000'000 + seq,
                        r.value("text"_L1).toString()};
            history.record(m);
        }
        ok = PublishOk{m.seq, m.mid, m.ts, data.ConsumeBool()}.toJson();
    } else if (request.type == "history"_L1) {
        HistoryOk history;
        const int count = data.ConsumeIntegralInRange(0, 5);
        for (int i = 0; i < count; ++i)
            history.messages.append(message(data, name));
        history.more = data.ConsumeBool();
        ok = history.toJson();
    } else if (request.type == "channels"_L1) {
        ChannelsOk channels;
        const int count = data.ConsumeIntegralInRange(0, 3);
        for (int i = 0; i < count; ++i)
            channels.channels.append(channel(data, pickChannel(data)));
        channels.more = data.ConsumeProbability<float>() < 0.2f;
        ok = channels.toJson();
    } else if (request.type == "create"_L1 || request.type == "invite"_L1) {
        ok = ChannelOk{channel(data, data.ConsumeBool() ? name : pickChannel(data))}.toJson();
    } else if (request.type == "admin.kick"_L1) {
        ok = AdminKickOk{data.ConsumeIntegralInRange<qint64>(0, 3)}.toJson();
    } else if (data.ConsumeBool()) {
        ok = QJsonDocument::fromJson(data.ConsumeRandomLengthString(64).c_str()).object();
    }
    peer->sendText(encodeReplyOk(request.id, ok));
}

const ErrorCode errorCodes[] = {
    ErrorCode::BadRequest, ErrorCode::Unauthorized, ErrorCode::Forbidden, ErrorCode::NotFound,
    ErrorCode::Conflict,   ErrorCode::RateLimited,  ErrorCode::NotReady,  ErrorCode::Internal,
    ErrorCode::TooLarge,   ErrorCode::Unsupported};

void answer(FuzzedDataProvider &data, bool ok)
{
    QCoreApplication::processEvents(); // what the client has sent by now
    QList<ClientRequest *> open;
    for (ClientRequest &r : peer->requests) {
        if (!r.answered)
            open.append(&r);
    }
    if (open.isEmpty())
        return;
    ClientRequest &request = *open[data.ConsumeIntegralInRange<qsizetype>(0, open.size() - 1)];
    request.answered = true;
    if (ok) {
        replyOk(data, request);
        return;
    }
    const ErrorCode code =
        errorCodes[data.ConsumeIntegralInRange<size_t>(0, std::size(errorCodes) - 1)];
    std::optional<qint64> retry;
    if (code == ErrorCode::RateLimited)
        retry = data.ConsumeIntegralInRange<qint64>(0, 5000);
    peer->sendText(encodeReplyError(request.id, Error{code, u"scripted"_s, retry}));
}

void event(FuzzedDataProvider &data)
{
    const QString name = pickChannel(data);
    switch (data.ConsumeIntegralInRange(0, 8)) {
    case 0:
        peer->sendText(encodeMsgEvent(message(data, name)));
        break;
    case 1: {
        const qint64 first = pickSeq(data, lastSeqs[name]);
        peer->sendText(encodeServerFrame(SyncedEvent{name, first, lastSeqs[name]}));
        break;
    }
    case 2:
        peer->sendText(
            encodeServerFrame(TypingEvent{TypingState{name, pickUser(data), data.ConsumeBool()}}));
        break;
    case 3: {
        Presence presence;
        presence.user = pickUser(data);
        presence.status = PresenceStatus(data.ConsumeIntegralInRange(0, 3));
        presence.text = fuzzedString(data, 12);
        presence.since = data.ConsumeIntegral<qint64>();
        peer->sendText(encodeServerFrame(PresenceEvent{presence}));
        break;
    }
    case 4:
        peer->sendText(
            encodeServerFrame(ReadEvent{name, data.ConsumeIntegralInRange<qint64>(-1, 80)}));
        break;
    case 5: {
        ChannelEvent e;
        e.kind = ChannelEventKind(data.ConsumeIntegralInRange(0, 2));
        e.channel = channel(data, name);
        e.member = data.ConsumeBool();
        peer->sendText(encodeServerFrame(e));
        break;
    }
    case 6:
        peer->sendText(encodeServerFrame(
            MemberEvent{name, MemberEventKind(data.ConsumeIntegralInRange(0, 1)), pickUser(data)}));
        break;
    case 7: {
        ByeEvent bye;
        bye.reason = ByeReason(data.ConsumeIntegralInRange(0, 2));
        if (data.ConsumeBool())
            bye.retryMs = data.ConsumeIntegralInRange<qint64>(0, 100000);
        peer->sendText(encodeServerFrame(bye));
        break;
    }
    default:
        peer->sendText(QByteArray::fromStdString(data.ConsumeRandomLengthString(200)));
        break;
    }
}

void userAction(FuzzedDataProvider &data, ChatClient &client, QList<Written> &written)
{
    const QString name = pickChannel(data);
    switch (data.ConsumeIntegralInRange(0, 11)) {
    case 0:
    case 1: {
        const QString cid =
            client.sendMessage(name, data.ConsumeBool() ? u"hello"_s : fuzzedString(data, 40));
        if (!cid.isEmpty())
            written.append(Written{cid, name});
        break;
    }
    case 2:
        client.joinChannel(name);
        break;
    case 3:
        client.leaveChannel(name);
        break;
    case 4:
        client.createChannel(name, fuzzedString(data, 12), data.ConsumeBool());
        break;
    case 5:
        client.openDirect(pickUser(data));
        break;
    case 6:
        client.markRead(name);
        break;
    case 7:
        client.setDraft(name, fuzzedString(data, 12));
        break;
    case 8:
        client.setStatus(data.ConsumeBool() ? u"away"_s : u"dnd"_s, fuzzedString(data, 12));
        break;
    case 9:
        client.refreshPublicChannels();
        break;
    case 10:
        client.invite(name, pickUser(data));
        break;
    default:
        client.retryNow();
        break;
    }
}

/// The invariants of one channel's model (see the top of the file).
void checkModel(const MessageModel &model)
{
    qint64 lastSeq = 0;
    bool unsentSeen = false;
    QSet<QString> seen;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row);
        const qint64 seq = model.data(index, MessageModel::SeqRole).toLongLong();
        const auto state =
            model.data(index, MessageModel::StateRole).value<MessageModel::DeliveryState>();
        const QString key = model.data(index, MessageModel::AuthorRole).toString() + u'\n' +
                            model.data(index, MessageModel::CidRole).toString();
        const QString where = u"%1 row %2 seq %3"_s.arg(model.channel()).arg(row).arg(seq);
        if (seen.contains(key))
            fail("a message shows twice", where);
        seen.insert(key);
        if (state == MessageModel::DeliveryState::Sent) {
            if (unsentSeen)
                fail("a sent message after a pending one", where);
            if (row > 0 && seq <= lastSeq)
                fail("messages out of seq order", where);
            lastSeq = seq;
        } else {
            unsentSeen = true;
        }
    }
}

void setUp()
{
    static int argc = 1;
    static char name[] = "fuzz_client_engine";
    static char *argv[] = {name, nullptr};
    qputenv("CONFAB_KEYRING", "off"); // the token in a file: no session bus here
    new QCoreApplication(argc, argv);
    QLoggingCategory::setFilterRules(u"*.debug=false\n*.info=false\n*.warning=false"_s);
    peer = new Peer;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    if (!peer)
        setUp();
    FuzzedDataProvider data(bytes, size);
    lastSeqs.clear();
    history = {};
    peer->publishedCids.clear();
    const QString base = QDir(u"/dev/shm"_s).exists() ? u"/dev/shm"_s : QDir::tempPath();
    QTemporaryDir dir(base + u"/confab-engine-fuzz-XXXXXX"_s);
    ChatClientOptions options;
    options.connection.watchReachability = false;
    options.maxCachedPerChannel = 100000; // trimming would drop acknowledged messages
    auto client = std::make_unique<ChatClient>(dir.path(), options);
    if (!client->start())
        fail("the client cannot open its database", dir.path());
    QList<MessageModel *> models;
    for (const QString &name : channelNames) {
        MessageModel *model = client->messageModel(name);
        new QAbstractItemModelTester(model, QAbstractItemModelTester::FailureReportingMode::Fatal,
                                     model);
        models.append(model);
    }
    // Until the hello is sent: a connection that is still being made.
    const auto connecting = [&client] {
        const auto state = client->connection()->state();
        return state == Connection::State::Connecting || state == Connection::State::Authenticating;
    };
    client->signIn(peer->url(), me, u"password-1"_s);
    if (!peer->waitForHello(connecting))
        fail("the client did not say hello", peer->url().toString());

    QList<Written> written; // (cid, channel) of every message the user wrote
    QSet<QString> removed;  // channels that left the cache (their messages went with them)
    QObject::connect(client->cache(), &MessageCache::channelRemoved, client.get(),
                     [&removed](const QString &name) { removed.insert(name); });
    int operations = 0;
    while (data.remaining_bytes() > 0 && operations++ < 64) {
        switch (data.ConsumeIntegralInRange(0, 7)) {
        case 0:
        case 1:
            answer(data, true);
            break;
        case 2:
            answer(data, false);
            break;
        case 3:
        case 4:
            event(data);
            break;
        case 5:
            userAction(data, *client, written);
            break;
        case 6:
            if (data.ConsumeBool()) {
                peer->barrier();
            } else {
                const bool normal = data.ConsumeBool();
                peer->sendClose(normal ? 1000 : data.ConsumeIntegralInRange<quint16>(1000, 4999));
            }
            break;
        default:
            if (!peer->isOpen()) {
                client->retryNow();
                peer->waitForHello(connecting);
            }
            break;
        }
    }
    peer->barrier();
    for (const MessageModel *model : std::as_const(models))
        checkModel(*model);
    for (const Written &entry : std::as_const(written)) {
        if (removed.contains(entry.channel))
            continue; // left or removed: its messages went with it
        if (!client->outbox()->find(entry.cid) &&
            !client->cache()->containsCid(entry.channel, entry.cid))
            fail("a message the user wrote was lost",
                 u"cid %1 in %2"_s.arg(entry.cid, entry.channel));
    }
    client.reset();
    peer->drop();
    QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return 0;
}
