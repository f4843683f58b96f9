// The single source of truth of the GUI: the session being edited and its computed results.
// Views read from it and refresh on resultsChanged(); they never keep their own numbers.
#pragma once

#include <analysis.h>
#include <session.h>

#include <QObject>
#include <QString>

namespace bnflow::ui {

class SessionDocument : public QObject {
    Q_OBJECT
public:
    explicit SessionDocument(QObject* parent = nullptr);

    const Session& session() const { return session_; }
    // The results of the current session, or nullptr when it cannot be computed (see problems()).
    const Analysis* analysis() const { return analysis_ ? &*analysis_ : nullptr; }
    const Problems& problems() const { return problems_; }
    QString filePath() const { return filePath_; }

    // Replaces the session and recomputes once.
    void setSession(Session session, const QString& filePath = {});

    // Opens a session file. On failure returns a one-line message naming the file and what is
    // wrong, and leaves the document untouched.
    bool open(const QString& filePath, QString* error);

signals:
    void resultsChanged();

private:
    void recompute();

    Session session_;
    std::optional<Analysis> analysis_;
    Problems problems_;
    QString filePath_;
};

}  // namespace bnflow::ui
