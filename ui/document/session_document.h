// The single source of truth of the GUI: the session being edited, its computed results and
// its undo stack. Every edit is a QUndoCommand; after any change the results are recomputed
// once and resultsChanged() is emitted once. Views read from it; they never keep numbers.
#pragma once

#include <core/teach/catalogue.h>
#include <core/math/family.h>
#include <core/model/session.h>
#include <core/model/session_edit.h>

#include <QObject>
#include <QString>

#include <optional>
#include <string_view>
#include <vector>

class QUndoStack;

namespace bnflow::ui {

// What the latest change touched, for the models to announce no more than that: one cell of x
// or dout typed in, samples or features inserted or removed, or possibly everything.
struct DocumentChange {
    enum class Kind { Any, Cell, InsertSamples, RemoveSamples, InsertFeatures, RemoveFeatures };
    Kind kind = Kind::Any;
    Which which = Which::X;           // Cell: the matrix typed into
    Eigen::Index row = 0, col = 0;    // Cell
    Eigen::Index at = 0, count = 0;   // the samples or features inserted or removed
};

class SessionDocument : public QObject {
    Q_OBJECT
public:
    explicit SessionDocument(QObject* parent = nullptr);

    const Session& session() const { return session_; }
    const NormConfig& norm() const { return session_.norm; }
    // The derivation of the session's layer and mode (core steps(layer, mode)): what the
    // walkthrough steps through and the result tables show.
    const std::vector<Step>& steps() const;
    // The results of the session, whatever its layer and mode (core/math/family.h: training
    // batch norm is one layer among the others), or nullptr when it cannot be computed (see
    // problems()).
    const FamilyAnalysis* analysis() const { return family_ ? &*family_ : nullptr; }
    // The running statistics after this batch: training batch norm with both given.
    const RunningUpdate* runningUpdate() const
    {
        return family_ && family_->running ? &*family_->running : nullptr;
    }
    bool isComputed() const { return family_.has_value(); }
    // Why analysis() is null, in one line: the session's first problem; empty when computed.
    QString whyNoAnalysis() const;
    const Problems& problems() const { return problems_; }
    // A quantity of the catalogue (core/teach/catalogue.h, family_catalogue.h) for the current
    // session: the session's own quantities always, the computed ones only while isComputed().
    // Empty (0 x 0) for a quantity the session's layer does not have.
    std::optional<Eigen::Map<const Matrix>> value(std::string_view quantityId) const;
    // Below this a quantity's values are rounding noise (core's roundingLevel); 0 when the
    // session cannot be computed.
    double roundingLevel(std::string_view quantityId) const;
    const DocumentChange& lastChange() const { return lastChange_; }
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
    // merge: one step of a drag (the eps slider), merged with the drag's earlier steps; a typed
    // value or a preset is an undo step of its own.
    bool setEps(double value, bool merge = false);
    // The layer and its keys (core/model/norm_config.h) replaced as one undo step. A configuration
    // that does not apply to the batch (validateNorm) is refused with its one-line reason.
    bool setNorm(const NormConfig& norm, const QString& description);
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

    // Exercise mode (core/model/exercise.h): the exercise replaced as one undo step named
    // `description` (hide, unhide, lock, a prediction, a reveal, a mistake injected); false and
    // nothing pushed when it is unchanged.
    bool setExercise(const Exercise& exercise, const QString& description);
    bool setPrediction(std::string_view quantityId, Cell cell, double value);

    // Reports a problem with input that never reached the document (a cell that is not a
    // number, a clipboard that is not a table): the same channel as a refused edit.
    void refuse(const QString& message);

signals:
    // Before samples or features are inserted or removed (the session still has its old shape),
    // for the editors' models to announce the rows or columns; resultsChanged() follows.
    void shapeAboutToChange(const bnflow::ui::DocumentChange& change);
    void resultsChanged();
    void editRefused(const QString& message);
    void filePathChanged(const QString& filePath);
    void modifiedChanged(bool modified);

private:
    friend class SessionCommand;
    friend class CellCommand;
    // Pushes one undo command from the current session to `after`. mergeKey: consecutive
    // commands with the same non-empty key (a slider being dragged) become one.
    bool commit(const QString& description, Session after, const QString& mergeKey = {});
    // A shape edit (kind: samples or features inserted or removed at `at`); undoing it is the
    // opposite edit at the same place.
    bool commitShape(const QString& description, std::optional<Session> after,
                     const std::string& error, DocumentChange::Kind kind, Eigen::Index at,
                     Eigen::Index count);
    bool commit(const QString& description, std::optional<Session> after, const std::string& error);
    bool keepsNormValid(const QString& description, const Session& after);
    bool setParameter(RowVector Session::*parameter, const char* name, Eigen::Index feature,
                      double value);  // gamma or beta, one feature: drags of it merge
    // No undo command: for the commands themselves.
    void replaceSession(const Session& session, const DocumentChange& change = {});
    // One number of x or dout, in place (no reallocation, dout's seed as given): for CellCommand.
    void writeCell(Which which, Eigen::Index row, Eigen::Index col, double value,
                   std::optional<std::uint64_t> doutSeed);
    void recompute(const DocumentChange& change = {});

    Session session_;
    std::optional<FamilyAnalysis> family_;
    Problems problems_;
    QString filePath_;
    QUndoStack* undoStack_;
    DocumentChange lastChange_;
};

}  // namespace bnflow::ui
