// SPDX-License-Identifier: Apache-2.0
#pragma once

// A protocol test client written from PROTOCOL.md only: it speaks raw JSON over a real
// QWebSocket, so tests can send anything (malformed frames included) and look at exactly
// what the server sent. Used by the in-process integration tests (tests/server) and the
// confabd end-to-end tests (tests/daemon).
//
// Every frame the server sends is kept twice: in `received()` (all of them, in order) and in
// an inbox that `waitFor()` / `request()` consume from. Waiting runs a nested event loop with
// a deadline (never a fixed sleep), so an in-process server on the same thread keeps working.

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkRequest>
#include <QObject>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>
#include <QWebSocket>

#include <functional>
#include <optional>

namespace confab::test {

/// Default deadline for anything a test waits for.
inline constexpr int defaultTimeoutMs = 5000;

/// Runs the event loop until `predicate` is true or `timeoutMs` passes. Returns the final
/// value of the predicate. Checks the predicate after every event batch (and every 5 ms).
bool waitUntil(const std::function<bool()> &predicate, int timeoutMs = defaultTimeoutMs);

using FramePredicate = std::function<bool(const QJsonObject &)>;

/// The error code of a reply ("" when it is not an error reply).
QString errorCode(const QJsonObject &reply);
/// True when `reply` is a `reply` frame with an `ok` object.
bool isOk(const QJsonObject &reply);
/// Compact JSON text of a frame, for failure messages.
QString dump(const QJsonObject &frame);
/// A fresh client id for a publish.
QString newCid();

class TestClient : public QObject
{
    Q_OBJECT
public:
    explicit TestClient(QObject *parent = nullptr);
    ~TestClient() override;

    /// Connects (offering subprotocol confab.v1) and waits for the handshake.
    bool open(const QUrl &url, int timeoutMs = defaultTimeoutMs);
    /// The same with a request of one's own (extra handshake headers, e.g. X-Forwarded-For).
    bool open(const QNetworkRequest &request, int timeoutMs = defaultTimeoutMs);
    /// For wss://: the TLS configuration to use (set before open()).
    void setSslConfiguration(const QSslConfiguration &config);
    /// TLS errors to ignore (e.g. the self-signed certificate of a test).
    void setIgnoredSslErrors(const QList<QSslError> &errors);

    QWebSocket *socket() { return &m_socket; }
    bool isConnected() const;
    /// Waits until the server (or anything) closed the connection.
    bool waitForDisconnected(int timeoutMs = defaultTimeoutMs);
    /// The close code the connection ended with (valid after disconnection).
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }
    /// The subprotocol the server accepted in the handshake.
    QString acceptedSubprotocol() const;

    /// Sends a text frame as is.
    void sendText(const QString &text);
    void sendBinary(const QByteArray &data);
    /// Sends a frame; when it has no "id" this is a notification.
    void send(const QJsonObject &frame);
    /// Sets `frame["id"]` to the next id of this connection, sends it, returns the id.
    qint64 sendRequest(QJsonObject frame);
    /// Sends a request and waits for its reply (nullopt on timeout or disconnect).
    std::optional<QJsonObject> request(const QJsonObject &frame, int timeoutMs = defaultTimeoutMs);
    /// Waits for (and takes from the inbox) the reply with `id`.
    std::optional<QJsonObject> waitForReply(qint64 id, int timeoutMs = defaultTimeoutMs);
    /// Waits for (and takes from the inbox) the first frame of type `type` matching `pred`.
    std::optional<QJsonObject> waitFor(const QString &type, const FramePredicate &pred = {},
                                       int timeoutMs = defaultTimeoutMs);
    /// Takes every frame of type `type` matching `pred` now in the inbox, without waiting.
    QList<QJsonObject> take(const QString &type, const FramePredicate &pred = {});
    /// True when the inbox holds a frame of `type` matching `pred` (not consumed).
    bool has(const QString &type, const FramePredicate &pred = {}) const;
    /// Every frame received on this connection so far, in order.
    const QList<QJsonObject> &received() const { return m_received; }
    /// Frames of `type` among `received()`.
    QList<QJsonObject> receivedOf(const QString &type, const FramePredicate &pred = {}) const;
    /// Text frames that were not a JSON object (the server must never send one).
    const QStringList &garbage() const { return m_garbage; }
    /// Whether to keep every frame in `received()` (default true; off for bulk transfers).
    void setRecordAll(bool record) { m_recordAll = record; }
    qint64 nextId() const { return m_nextId; }
    /// Overrides the next request id (the default counts 1, 2, 3, ...).
    void setNextId(qint64 id) { m_nextId = id; }

    // ---- protocol helpers ----------------------------------------------------------------
    /// `hello` with user + password; on ok remembers token and session.
    std::optional<QJsonObject> hello(const QString &user, const QString &password,
                                     const QString &client = QStringLiteral("confab-test/1"));
    std::optional<QJsonObject> helloToken(const QString &token,
                                          const QString &client = QStringLiteral("confab-test/1"));
    /// `join`; `extra` fields (since, rewind) are merged in. Returns the reply.
    std::optional<QJsonObject> join(const QString &channel, const QJsonObject &extra = {});
    /// `join` then waits for `synced`; returns the synced event (nullopt if either failed).
    std::optional<QJsonObject> joinSynced(const QString &channel, const QJsonObject &extra = {},
                                          int timeoutMs = defaultTimeoutMs);
    std::optional<QJsonObject> publish(const QString &channel, const QString &text,
                                       const QString &cid = QString());
    /// Sends a publish without waiting; returns its id.
    qint64 sendPublish(const QString &channel, const QString &text, const QString &cid = QString());
    void typing(const QString &channel, bool active);

    /// The token and session from the last successful hello.
    QString token() const { return m_token; }
    QString session() const { return m_session; }
    QJsonObject helloOk() const { return m_helloOk; }

    void close(int code = 1000);
    void abort();

signals:
    void frameReceived();

private:
    void onText(const QString &text);
    std::optional<QJsonObject> takeFirst(const FramePredicate &pred, int timeoutMs);
    void rememberHello(const std::optional<QJsonObject> &reply);

    QWebSocket m_socket;
    QList<QJsonObject> m_inbox;
    QList<QJsonObject> m_received;
    QStringList m_garbage;
    qint64 m_nextId = 1;
    int m_closeCode = -1;
    QString m_closeReason;
    bool m_disconnected = false;
    bool m_recordAll = true;
    QString m_token;
    QString m_session;
    QJsonObject m_helloOk;
};

} // namespace confab::test
