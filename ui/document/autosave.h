// Crash safety: while the document has unsaved changes, it is written every few seconds to
// the application's data location (atomically); once saved or closed cleanly, the copy goes.
// After a crash or a kill -9, the next start finds it and offers to restore it.
//
// Each running instance has its own copy, autosave-<pid>-<start ms>.bnflow.json, and holds a
// QLockFile beside it for as long as it runs. The lock tells a live instance from a dead one:
// a lock whose process is gone (or is no longer bnflow) is stale. So a second instance never
// offers, nor deletes, the copy of one still running, and a crashed instance's copy is offered
// even while other instances run.
#pragma once

#include <core/model/session.h>

#include <QDateTime>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

class QLockFile;
class QTimer;

namespace bnflow::ui {

class SessionDocument;

class Autosave : public QObject {
    Q_OBJECT
public:
    Autosave(SessionDocument* document, const QString& directory = defaultDirectory(),
             int intervalMs = 3000);
    ~Autosave() override;  // releases the lock, keeps the copy: only finish() means a clean exit

    static QString defaultDirectory();
    QString sessionPath() const;  // this instance's copy

    struct Recovery {
        Session session;
        QString originalPath;  // the file it was opened from, or empty
        QDateTime savedAt;
        QString sessionPath;   // the copy it was read from
    };
    // The newest copy left by an instance that no longer runs, if any. A copy that cannot be
    // read is reported in *error (and left in place for the user to rescue by hand).
    static std::optional<Recovery> pending(const QString& directory, QString* error);
    // Reads one copy, whoever wrote it.
    static std::optional<Recovery> read(const QString& sessionPath, QString* error);
    // Removes the copy pending() returned, after checking again that its instance is dead.
    static void discard(const Recovery& recovery);

    void writeNow();  // what the timer does; public for tests
    // A clean shutdown: nothing left to recover.
    void finish();

private:
    void removeCopy();
    bool ensureLocked();

    SessionDocument* document_;
    QString directory_;
    QString stem_;                    // directory/autosave-<pid>-<ms>: + .bnflow.json, .origin, .lock
    std::unique_ptr<QLockFile> lock_;  // held while this instance runs
    QTimer* timer_;
    bool dirty_ = false;  // changed since the last autosave
};

}  // namespace bnflow::ui
