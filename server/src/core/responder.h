// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "connection.h"
#include "errorcode.h"
#include "frames.h"

#include <QJsonObject>
#include <QPointer>

#include <optional>

namespace confab::server {

/// The one reply a request is owed: the connection, the reply slot the request reserved
/// when it was read (replies leave in request order), and the request's id. A handler
/// answers through it exactly once, now or later (after a password hash or a commit); a
/// connection that went away meanwhile is skipped.
class Responder
{
public:
    Responder() = default;
    Responder(Connection *connection, quint64 slot, RequestId id)
        : m_connection(connection)
        , m_slot(slot)
        , m_id(id)
    {}

    /// The connection, or null once it has gone.
    Connection *connection() const { return m_connection; }
    RequestId id() const { return m_id; }

    void ok(const QJsonObject &ok = {}) const;
    /// An `ok` reply already encoded (the publish hot path).
    void encoded(const QByteArray &replyJson) const;
    void error(const Error &error) const;
    void error(ErrorCode code, const QString &message,
               std::optional<qint64> retryMs = std::nullopt) const
    {
        error(Error{code, message, retryMs});
    }

private:
    QPointer<Connection> m_connection;
    quint64 m_slot = 0;
    RequestId m_id = 0;
};

} // namespace confab::server
