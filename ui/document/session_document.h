// The single source of truth of the GUI: the session being edited, its computed results and
// its undo stack. Every edit is a QUndoCommand; after any change the results are recomputed
// once and resultsChanged() is emitted once. Views read from it; they never keep numbers.
#pragma once

#include <analysis.h>
#include <session.h>
#include <session_edit.h>
#include <trace.h>

#include <QObject>
#include <QString>

class QUndoStack;

namespace bnflow::ui {

class SessionDocument : public QObject {
    Q_OBJECT
public:
    explicit SessionDocument(QObject* parent = nullptr);

    const Session& session() const { return session_; }
    // The results of the current session, or nullptr when it cannot be computed (see problems()).
    const Analysis* analysis() const { return analysis_ ? &*analysis_ : nullptr; }
    const Problems& problems() const { return problems_; }
    // The walkthrough's steps with this session's values; empty when analysis() is null.
    const std::vector<TraceStep>& trace() const { return trace_; }
    QUndoStack* undoStack() const { return undoStack_; }
    QString filePath() const { return filePath_; }
    bool isModified() const;

    // Files. On failure each returns false with a one-line message naming the file and what is
    // wrong, and leaves the document untouched.
    bool open(const QString& filePath, QString* error);
    bool save(const QString& filePath, QString* error);
    // A fresh document (no file, empty undo history) holding `session`.
    void reset(Session session, const QString& filePath = {});
    // A session recovered after a crash: like reset(), but marked unsaved.
    void restoreUnsaved(Session session, const QString& filePath);

    // Edits: one undo command each. A refused edit changes nothing, emits editRefused(message)
    // and returns false.
    bool setCell(Which which, Eigen::Index row, Eigen::Index col, double value);
    bool setGamma(Eigen::Index feature, double value);
    bool setBeta(Eigen::Index feature, double value);
    bool resetGamma();
    bool resetBeta();
    bool setEps(double value);
    bool insertSamples(Eigen::Index at, Eigen::Index count);
    bool removeSamples(Eigen::Index at, Eigen::Index count);
    bool insertFeatures(Eigen::Index at, Eigen::Index count);
    bool removeFeatures(Eigen::Index at, Eigen::Index count);
    bool pasteBlock(Which which, Eigen::Index row, Eigen::Index col, const Matrix& block);
    bool replaceBatch(const Matrix& batch, const QString& description);
    bool randomizeBatch(Distribution distribution, std::uint64_t seed);
    bool setDoutFromSeed(std::uint64_t seed);
    bool setDoutAllOnes();
    bool setDoutOneHot(Eigen::Index row, Eigen::Index col);
    bool setDoutFromHalfSquareLoss();

    // Reports a problem with input that never reached the document (a cell that is not a
    // number, a clipboard that is not a table): the same channel as a refused edit.
    void refuse(const QString& message);

signals:
    void resultsChanged();
    void editRefused(const QString& message);
    void filePathChanged(const QString& filePath);
    void modifiedChanged(bool modified);

private:
    friend class SessionCommand;
    // Pushes one undo command from the current session to `after`. mergeKey: consecutive
    // commands with the same non-empty key (a slider being dragged) become one.
    bool commit(const QString& description, Session after, const QString& mergeKey = {});
    bool commit(const QString& description, std::optional<Session> after, const std::string& error);
    bool setParameter(RowVector Session::*parameter, const char* name, Eigen::Index feature,
                      double value);  // gamma or beta, one feature: drags of it merge
    void replaceSession(const Session& session);  // no undo command: for the commands themselves
    void recompute();

    Session session_;
    std::optional<Analysis> analysis_;
    std::vector<TraceStep> trace_;
    Problems problems_;
    QString filePath_;
    QUndoStack* undoStack_;
};

}  // namespace bnflow::ui
