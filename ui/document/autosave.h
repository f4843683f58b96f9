// Crash safety: while the document has unsaved changes, it is written every few seconds to
// the application's data location (atomically); once saved or closed cleanly, the copy goes.
// After a crash or a kill -9, the next start finds it and offers to restore it. The session is
// always watched; other documents (the Depth tab's network) are added with addSource().
//
// Each running instance has its own copies, autosave-<pid>-<start ms>.bnflow.json (and
// .bnflow-net.json for the network), and holds a QLockFile beside them for as long as it runs. The lock tells a live instance from a dead one:
// a lock whose process is gone (or is no longer bnflow) is stale. So a second instance never
// offers, nor deletes, the copy of one still running, and a crashed instance's copy is offered
// even while other instances run.
#pragma once

#include <core/model/session.h>

#include <QDateTime>
#include <QObject>
#include <QString>

#include <core/io/network_json.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class QLockFile;
class QTimer;

namespace bnflow::ui {

class SessionDocument;

// A document the autosave keeps a copy of, besides the session.
struct AutosaveSource {
    QString suffix;                     // the copy's file name ending, e.g. ".bnflow-net.json"
    std::function<bool()> isModified;   // unsaved changes: worth a copy
    std::function<QString()> filePath;  // the file it was opened from or saved to, or empty
    std::function<std::string()> text;  // the document as its file holds it
};

class Autosave : public QObject {
    Q_OBJECT
public:
    Autosave(SessionDocument* document, const QString& directory = defaultDirectory(),
             int intervalMs = 3000);
    ~Autosave() override;  // releases the lock, keeps the copy: only finish() means a clean exit

    static QString defaultDirectory();
    QString sessionPath() const;  // this instance's copy
    static const QString kNetworkSuffix;  // ".bnflow-net.json"

    // Watches one more document; returns its index for changed() and copyPath().
    int addSource(AutosaveSource source);
    void changed(int source);  // the document changed: copied at the next tick if unsaved
    void saved(int source);    // saved, or undone back to its file: its copy goes
    QString copyPath(int source) const;

    struct Recovery {
        Session session;
        QString originalPath;  // the file it was opened from, or empty
        QDateTime savedAt;
        QString sessionPath;   // the copy it was read from
    };
    // The newest copy left by an instance that no longer runs, if any. A copy that cannot be
    // read is reported in *error (and left in place for the user to rescue by hand).
    static std::optional<Recovery> pending(const QString& directory, QString* error);
    // Removes the lock files of instances that are gone and left no copy (killed with nothing
    // unsaved); called at start.
    static void sweepStaleLocks(const QString& directory);
    // Reads one copy, whoever wrote it.
    static std::optional<Recovery> read(const QString& sessionPath, QString* error);
    // Removes the copy pending() returned, after checking again that its instance is dead.
    static void discard(const Recovery& recovery);

    // The same for a network (the Depth tab's document).
    struct NetworkRecovery {
        NetworkFile file;
        QString originalPath;
        QDateTime savedAt;
        QString copyPath;
    };
    static std::optional<NetworkRecovery> pendingNetwork(const QString& directory, QString* error);
    static void discard(const NetworkRecovery& recovery);

    void writeNow();  // what the timer does; public for tests
    // A clean shutdown: nothing left to recover.
    void finish();

private:
    struct Watched {
        AutosaveSource source;
        bool dirty = false;  // changed since the last autosave
    };
    void removeCopy(int source);
    bool ensureLocked();

    QString directory_;
    QString stem_;                    // directory/autosave-<pid>-<ms>: + .bnflow.json, .origin, .lock
    std::unique_ptr<QLockFile> lock_;  // held while this instance runs
    QTimer* timer_;
    std::vector<Watched> watched_;    // [0] the session
};

}  // namespace bnflow::ui
