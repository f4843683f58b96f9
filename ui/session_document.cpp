#include "session_document.h"

#include <session_json.h>

#include <QFileInfo>

namespace bnflow::ui {

SessionDocument::SessionDocument(QObject* parent) : QObject(parent)
{
    setSession(exampleSession());
}

void SessionDocument::setSession(Session session, const QString& filePath)
{
    session_ = std::move(session);
    filePath_ = filePath;
    recompute();
}

bool SessionDocument::open(const QString& filePath, QString* error)
{
    SessionLoad load = loadSessionFile(filePath.toStdString());
    if (!load.ok()) {
        if (error)
            *error = QFileInfo(filePath).fileName() + ": " +
                     QString::fromStdString(formatProblem(load.problems.front()));
        return false;
    }
    setSession(std::move(*load.session), filePath);
    return true;
}

void SessionDocument::recompute()
{
    AnalysisResult result = analyze(session_);
    analysis_ = std::move(result.analysis);
    problems_ = std::move(result.problems);
    emit resultsChanged();
}

}  // namespace bnflow::ui
