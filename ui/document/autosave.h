// Crash safety: while the document has unsaved changes, it is written every few seconds to
// the application's data location (atomically); once saved or closed cleanly, the copy goes.
// After a crash or a kill -9, the next start finds it and offers to restore it.
#pragma once

#include <session.h>

#include <QDateTime>
#include <QObject>
#include <QString>

#include <optional>

class QTimer;

namespace bnflow::ui {

class SessionDocument;

class Autosave : public QObject {
    Q_OBJECT
public:
    Autosave(SessionDocument* document, const QString& directory = defaultDirectory(),
             int intervalMs = 3000);
    ~Autosave() override;

    static QString defaultDirectory();
    static QString sessionPath(const QString& directory);

    struct Recovery {
        Session session;
        QString originalPath;  // the file it was opened from, or empty
        QDateTime savedAt;
    };
    // The session a previous run left behind, if any. A copy that cannot be read is reported
    // in *error (and left in place for the user to rescue by hand).
    static std::optional<Recovery> pending(const QString& directory, QString* error);
    static void discard(const QString& directory);

    void writeNow();  // what the timer does; public for tests
    // A clean shutdown: nothing left to recover.
    void finish();

private:
    SessionDocument* document_;
    QString directory_;
    QTimer* timer_;
    bool dirty_ = false;  // changed since the last autosave
};

}  // namespace bnflow::ui
