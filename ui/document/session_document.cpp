#include <document/session_document.h>

#include <files/atomic_write.h>

#include <core/teach/family_catalogue.h>
#include <core/io/session_json.h>

#include <QFileInfo>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <new>

namespace bnflow::ui {

// An edit, stored as the session before and after: at most a few hundred kilobytes at the
// editor's size limit, and always exactly reversible.
class SessionCommand : public QUndoCommand {
public:
    SessionCommand(SessionDocument* document, Session before, Session after,
                   const QString& description, QString mergeKey, DocumentChange change = {},
                   DocumentChange inverse = {})
        : QUndoCommand(description), document_(document), before_(std::move(before)),
          after_(std::move(after)), mergeKey_(std::move(mergeKey)), change_(change), inverse_(inverse)
    {
    }
    void redo() override { document_->replaceSession(after_, change_); }
    void undo() override { document_->replaceSession(before_, inverse_); }
    int id() const override { return mergeKey_.isEmpty() ? -1 : 1; }
    bool mergeWith(const QUndoCommand* other) override
    {
        const auto* next = static_cast<const SessionCommand*>(other);
        if (next->mergeKey_ != mergeKey_)
            return false;
        after_ = next->after_;
        return true;
    }

private:
    SessionDocument* document_;
    Session before_;
    Session after_;
    QString mergeKey_;
    DocumentChange change_, inverse_;  // what redo and undo change, for the models
};

// One typed number: the cell's old and new value, and dout's seed before and after (typing into
// dout makes it a typed matrix; typing into x leaves dout alone).
class CellCommand : public QUndoCommand {
public:
    CellCommand(SessionDocument* document, Which which, Eigen::Index row, Eigen::Index col,
                double before, double after, std::optional<std::uint64_t> seedBefore,
                const QString& description)
        : QUndoCommand(description), document_(document), which_(which), row_(row), col_(col),
          before_(before), after_(after), seedBefore_(seedBefore),
          seedAfter_(which == Which::Dout ? std::nullopt : seedBefore)
    {
    }
    void redo() override { document_->writeCell(which_, row_, col_, after_, seedAfter_); }
    void undo() override { document_->writeCell(which_, row_, col_, before_, seedBefore_); }

private:
    SessionDocument* document_;
    Which which_;
    Eigen::Index row_, col_;
    double before_, after_;
    std::optional<std::uint64_t> seedBefore_, seedAfter_;
};

namespace {

constexpr int kUndoLimit = 200;

QString describeProblem(const QString& filePath, const Problems& problems)
{
    return QFileInfo(filePath).fileName() + ": " +
           QString::fromStdString(formatProblem(problems.front()));
}

}  // namespace

SessionDocument::SessionDocument(QObject* parent)
    : QObject(parent), undoStack_(new QUndoStack(this))
{
    undoStack_->setUndoLimit(kUndoLimit);
    connect(undoStack_, &QUndoStack::cleanChanged, this,
            [this](bool clean) { emit modifiedChanged(!clean); });
    session_ = exampleSession();
    recompute();
}

bool SessionDocument::isModified() const
{
    return !undoStack_->isClean();
}

void SessionDocument::reset(Session session, const QString& filePath)
{
    undoStack_->clear();
    // clear() leaves an empty stack's clean state alone: after restoreUnsaved() (clean index -1)
    // the fresh document still counted as unsaved, and the autosave kept rewriting it.
    undoStack_->setClean();
    session_ = std::move(session);
    if (filePath_ != filePath) {
        filePath_ = filePath;
        emit filePathChanged(filePath_);
    }
    recompute();
    emit modifiedChanged(false);
}

void SessionDocument::restoreUnsaved(Session session, const QString& filePath)
{
    reset(std::move(session), filePath);
    undoStack_->resetClean();  // no state of this history is saved on disk
    emit modifiedChanged(true);
}

bool SessionDocument::open(const QString& filePath, QString* error)
{
    SessionLoad load;
    try {
        load = loadSessionFile(filePath.toStdString());
    } catch (const std::bad_alloc&) {  // a message box, not an abort (the reader frees its all)
        if (error)
            *error = QFileInfo(filePath).fileName() + tr(": out of memory while reading the session");
        return false;
    }
    if (!load.ok()) {
        if (error)
            *error = describeProblem(filePath, load.problems);
        return false;
    }
    const std::string tooLarge =
        checkEditableShape(load.session->samples(), load.session->features());
    if (!tooLarge.empty()) {
        if (error)
            *error = QFileInfo(filePath).fileName() + ": " + QString::fromStdString(tooLarge);
        return false;
    }
    // A NumPy archive is an import: Save must ask for a .bnflow.json name, never write JSON
    // over the student's .npz.
    const bool archive = filePath.endsWith(QLatin1String(".npz"), Qt::CaseInsensitive);
    reset(std::move(*load.session), archive ? QString() : filePath);
    return true;
}

bool SessionDocument::save(const QString& filePath, QString* error)
{
    const std::string text = writeSession(session_);
    if (!files::writeFileAtomically(filePath, QByteArray::fromStdString(text), error))
        return false;  // never half a session: the old file stays as it was
    if (filePath_ != filePath) {
        filePath_ = filePath;
        emit filePathChanged(filePath_);
    }
    undoStack_->setClean();
    return true;
}

void SessionDocument::refuse(const QString& message)
{
    emit editRefused(message);
}

// An edit of the batch must leave the layer's keys valid for the new shape (group norm's G
// dividing D, two samples for the pytorch convention): otherwise it is refused with the key's
// reason, never computed half-valid.
bool SessionDocument::keepsNormValid(const QString& description, const Session& after)
{
    if (after.norm == session_.norm && after.samples() == session_.samples() &&
        after.features() == session_.features())
        return true;
    const Problems problems = validateNorm(after.norm, after.samples(), after.features());
    if (problems.empty())
        return true;
    refuse(tr("%1 refused: %2").arg(description, QString::fromStdString(formatProblem(problems.front()))));
    return false;
}

bool SessionDocument::commit(const QString& description, Session after, const QString& mergeKey)
{
    if (!keepsNormValid(description, after))
        return false;
    undoStack_->push(new SessionCommand(this, session_, std::move(after), description, mergeKey));
    return true;
}

bool SessionDocument::commit(const QString& description, std::optional<Session> after,
                             const std::string& error)
{
    if (!after) {
        refuse(QString::fromStdString(error));
        return false;
    }
    return commit(description, std::move(*after));
}

bool SessionDocument::commitShape(const QString& description, std::optional<Session> after,
                                  const std::string& error, DocumentChange::Kind kind,
                                  Eigen::Index at, Eigen::Index count)
{
    if (!after) {
        refuse(QString::fromStdString(error));
        return false;
    }
    if (!keepsNormValid(description, *after))
        return false;
    using K = DocumentChange::Kind;
    const K undone = kind == K::InsertSamples    ? K::RemoveSamples
                     : kind == K::RemoveSamples  ? K::InsertSamples
                     : kind == K::InsertFeatures ? K::RemoveFeatures
                                                 : K::InsertFeatures;
    undoStack_->push(new SessionCommand(this, session_, std::move(*after), description, {},
                                        {kind, Which::X, 0, 0, at, count},
                                        {undone, Which::X, 0, 0, at, count}));
    return true;
}

void SessionDocument::replaceSession(const Session& session, const DocumentChange& change)
{
    if (change.kind != DocumentChange::Kind::Any && change.kind != DocumentChange::Kind::Cell)
        emit shapeAboutToChange(change);
    session_ = session;
    recompute(change);
}

const std::vector<Step>& SessionDocument::steps() const
{
    return bnflow::steps(layerSpec(session_.norm, session_.features()));
}

namespace {

using MatrixView = Eigen::Map<const Matrix>;

MatrixView view(const RowVector& v)
{
    return MatrixView(v.data(), v.rows(), v.cols());
}

// The quantities of batch norm's running statistics, which the family's catalogue names.
std::optional<MatrixView> runningValue(std::string_view id, const NormConfig& norm,
                                       const RunningUpdate* running)
{
    static const Matrix kEmpty;
    const MatrixView empty(kEmpty.data(), 0, 0);
    if (id == "running_mean")
        return norm.runningMean ? view(*norm.runningMean) : empty;
    if (id == "running_var")
        return norm.runningVar ? view(*norm.runningVar) : empty;
    if (id == "updated_running_mean")
        return running ? view(running->mean) : empty;
    if (id == "updated_running_var")
        return running ? view(running->var) : empty;
    return std::nullopt;
}

}  // namespace

std::optional<Eigen::Map<const Matrix>> SessionDocument::value(std::string_view id) const
{
    if (family_)
        return familyValueOf(id, session_, *family_);
    if (auto running = runningValue(id, session_.norm, runningUpdate()))
        return running;
    // A session that cannot be computed: its own quantities still have their values; the
    // computed ones of the catalogues none (RMSNorm's, which a view may ask for before it
    // follows a change of layer: empty, like a quantity the layer does not have).
    const auto& familyOnly = familyQuantities();
    if (std::any_of(familyOnly.begin(), familyOnly.end(), [id](const Quantity& q) { return q.id == id; }))
        return MatrixView(nullptr, 0, 0);
    if (isSessionQuantity(id)) {
        static const FamilyAnalysis kNothingComputed;
        return familyValueOf(id, session_, kNothingComputed);
    }
    return std::nullopt;
}

QString SessionDocument::whyNoAnalysis() const
{
    return problems_.empty() ? QString() : QString::fromStdString(formatProblem(problems_.front()));
}

double SessionDocument::roundingLevel(std::string_view id) const
{
    if (family_)
        return familyRoundingLevel(id, session_, *family_);
    return 0.0;
}

void SessionDocument::writeCell(Which which, Eigen::Index row, Eigen::Index col, double value,
                                std::optional<std::uint64_t> doutSeed)
{
    (which == Which::X ? session_.x : session_.dout)(row, col) = value;
    session_.doutSeed = doutSeed;
    recompute({DocumentChange::Kind::Cell, which, row, col});
}

void SessionDocument::recompute(const DocumentChange& change)
{
    lastChange_ = change;
    // Every layer and mode, training batch norm included: core's one reduction (family.h),
    // which validates the keys too.
    FamilyResult result = analyzeFamily(session_);
    family_ = std::move(result.analysis);
    problems_ = std::move(result.problems);
    emit resultsChanged();
}

bool SessionDocument::setCell(Which which, Eigen::Index row, Eigen::Index col, double value)
{
    const QString name = which == Which::X ? QStringLiteral("x") : QStringLiteral("dout");
    const Matrix& matrix = which == Which::X ? session_.x : session_.dout;
    if (row < 0 || col < 0 || row >= matrix.rows() || col >= matrix.cols()) {
        refuse(tr("%1[%2][%3] is outside the %4 x %5 batch").arg(name).arg(row).arg(col)
                   .arg(matrix.rows()).arg(matrix.cols()));
        return false;
    }
    if (!std::isfinite(value)) {
        refuse(tr("%1[%2][%3]: %4 is not a finite number").arg(name).arg(row).arg(col).arg(value));
        return false;
    }
    undoStack_->push(new CellCommand(this, which, row, col, matrix(row, col), value, session_.doutSeed,
                                     tr("Set %1[%2][%3] = %4").arg(name).arg(row).arg(col).arg(value, 0, 'g', 6)));
    return true;
}

}  // namespace bnflow::ui
