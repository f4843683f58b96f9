// The edits of SessionDocument that build the session after the edit and commit it: one undo
// command each, or a refusal with its reason (session_document.cpp keeps the commands, the
// files and the computed values).
#include <document/session_document.h>

#include <QUndoStack>

#include <cmath>

namespace bnflow::ui {

bool SessionDocument::setExercise(const Exercise& exercise, const QString& description)
{
    if (exercise == session_.exercise)
        return false;
    Session after = session_;
    after.exercise = exercise;
    return commit(description, std::move(after));
}

bool SessionDocument::setPrediction(std::string_view quantityId, Cell cell, double value)
{
    return setExercise(withPrediction(session_.exercise, quantityId, cell, value),
                       tr("Predict %1[%2][%3] = %4")
                           .arg(QString::fromUtf8(quantityId.data(), qsizetype(quantityId.size())))
                           .arg(cell.row)
                           .arg(cell.col)
                           .arg(value, 0, 'g', 6));
}

bool SessionDocument::setParameter(RowVector Session::*parameter, const char* name,
                                   Eigen::Index feature, double value)
{
    if (feature < 0 || feature >= (session_.*parameter).size() || !std::isfinite(value)) {
        refuse(tr("%1[%2]: not a feature (channel) or not a finite number").arg(QLatin1String(name)).arg(feature));
        return false;
    }
    Session after = session_;
    (after.*parameter)[feature] = value;
    return commit(tr("Set %1[%2] = %3").arg(QLatin1String(name)).arg(feature).arg(value, 0, 'g', 6),
                  std::move(after), QStringLiteral("%1:%2").arg(QLatin1String(name)).arg(feature));
}

bool SessionDocument::setGamma(Eigen::Index feature, double value)
{
    return setParameter(&Session::gamma, "gamma", feature, value);
}

bool SessionDocument::setBeta(Eigen::Index feature, double value)
{
    return setParameter(&Session::beta, "beta", feature, value);
}

bool SessionDocument::resetGamma()
{
    Session after = session_;
    after.gamma.setOnes();
    return commit(tr("Reset gamma to 1"), std::move(after));
}

bool SessionDocument::resetBeta()
{
    Session after = session_;
    after.beta.setZero();
    return commit(tr("Reset beta to 0"), std::move(after));
}

bool SessionDocument::setEps(double value, bool merge)
{
    if (!std::isfinite(value) || value < 0) {
        refuse(tr("eps must be a finite number >= 0"));
        return false;
    }
    Session after = session_;
    after.eps = value;
    return commit(tr("Set eps = %1").arg(value, 0, 'g', 6), std::move(after),
                  merge ? QStringLiteral("eps") : QString());
}

bool SessionDocument::setNorm(const NormConfig& norm, const QString& description)
{
    if (norm == session_.norm)
        return false;
    // Regrouped first: a new channel count also changes how many running statistics there are.
    Session after = withNorm(session_, norm);
    const Problems problems = validateNorm(after.norm, after.samples(), after.features());
    if (!problems.empty()) {
        refuse(QString::fromStdString(formatProblem(problems.front())));
        return false;
    }
    return commit(description, std::move(after));
}

bool SessionDocument::insertSamples(Eigen::Index at, Eigen::Index count)
{
    std::string error;
    auto edited = bnflow::insertSamples(session_, at, count, &error);
    return commitShape(count == 1 ? tr("Insert sample") : tr("Insert %1 samples").arg(count), std::move(edited),
                       error, DocumentChange::Kind::InsertSamples, at, count);
}

bool SessionDocument::removeSamples(Eigen::Index at, Eigen::Index count)
{
    std::string error;
    auto edited = bnflow::removeSamples(session_, at, count, &error);
    return commitShape(count == 1 ? tr("Remove sample") : tr("Remove %1 samples").arg(count), std::move(edited),
                       error, DocumentChange::Kind::RemoveSamples, at, count);
}

bool SessionDocument::insertFeatures(Eigen::Index at, Eigen::Index count)
{
    std::string error;
    auto edited = bnflow::insertFeatures(session_, at, count, &error);
    return commitShape(count == 1 ? tr("Insert feature") : tr("Insert %1 features").arg(count), std::move(edited),
                       error, DocumentChange::Kind::InsertFeatures, at, count);
}

bool SessionDocument::removeFeatures(Eigen::Index at, Eigen::Index count)
{
    std::string error;
    auto edited = bnflow::removeFeatures(session_, at, count, &error);
    return commitShape(count == 1 ? tr("Remove feature") : tr("Remove %1 features").arg(count), std::move(edited),
                       error, DocumentChange::Kind::RemoveFeatures, at, count);
}

bool SessionDocument::pasteBlock(Which which, Eigen::Index row, Eigen::Index col,
                                 const Matrix& block)
{
    std::string error;
    auto edited = bnflow::pasteBlock(session_, which, row, col, block, &error);
    return commit(tr("Paste %1 x %2 into %3")
                      .arg(block.rows())
                      .arg(block.cols())
                      .arg(which == Which::X ? QStringLiteral("x") : QStringLiteral("dout")),
                  std::move(edited), error);
}

bool SessionDocument::replaceBatch(const Matrix& batch, const QString& description)
{
    std::string error;
    auto edited = bnflow::replaceBatch(session_, batch, &error);
    return commit(description, std::move(edited), error);
}

bool SessionDocument::randomizeBatch(Distribution distribution, std::uint64_t seed)
{
    return commit(tr("Randomize x (seed %1)").arg(seed),
                  bnflow::randomizeBatch(session_, distribution, seed));
}

bool SessionDocument::setDoutFromSeed(std::uint64_t seed)
{
    return commit(tr("dout: random (seed %1)").arg(seed), doutFromSeed(session_, seed));
}

bool SessionDocument::setDoutAllOnes()
{
    return commit(tr("dout: all ones"), doutAllOnes(session_));
}

bool SessionDocument::setDoutOneHot(Eigen::Index row, Eigen::Index col)
{
    return commit(tr("dout: one-hot at [%1][%2]").arg(row).arg(col), doutOneHot(session_, row, col));
}

bool SessionDocument::setDoutFromHalfSquareLoss()
{
    if (!isComputed()) {
        refuse(tr("dout from the loss needs y, which cannot be computed: %1")
                   .arg(QString::fromStdString(formatProblem(problems_.front()))));
        return false;
    }
    return commit(tr("dout: from L = sum(y^2)/2"), doutFromHalfSquareLoss(session_, Matrix(*value("y"))));
}

}  // namespace bnflow::ui
