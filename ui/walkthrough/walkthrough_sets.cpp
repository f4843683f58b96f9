// The walkthrough's selected set, for the layers whose statistics are per sample or per group
// as well as per feature: which sample and feature it is, the set framed on the batch, and the
// step's numbers at it (walkthrough_panel.h).
#include <walkthrough/walkthrough_panel.h>

#include <tables/matrix_view.h>
#include <document/display_settings.h>
#include <document/session_document.h>
#include <walkthrough/walkthrough_state.h>

#include <core/math/family.h>
#include <core/teach/family_catalogue.h>

#include <QModelIndex>

#include <algorithm>

namespace bnflow::ui {

// The step's formula with the selected set's numbers plugged in (the set that holds the
// selected sample and feature), or its value alone where no formula reads that set.
QString WalkthroughPanel::familyPluggedIn(const Step& step) const
{
    const Session& s = document_->session();
    const FamilyAnalysis* f = document_->analysis();
    if (!f || s.samples() == 0 || s.features() == 0)
        return {};
    const Reduction& r = f->reduction;
    const Eigen::Index i = std::min<Eigen::Index>(state_->sample(), s.samples() - 1);
    const Eigen::Index j = std::min<Eigen::Index>(state_->feature(), s.features() - 1);
    try {
        const Eigen::Index row = r.statRow(i), col = r.statCol(j);
        return QStringLiteral("%1:  %2").arg(QString::fromStdString(r.setName(row, col)),
                                             QString::fromStdString(pluggedIn(step, s, *f, row, col,
                                                                              display_->significantDigits())));
    } catch (const std::exception&) {  // a step that reads no set of the layer
        return familyNumbers(step);
    }
}

QString WalkthroughPanel::familyNumbers(const Step& step) const
{
    // The layer's own value of the step at the selected set or cell (the formulas with the
    // numbers plugged in are batch norm's only so far).
    const Session& s = document_->session();
    const auto v = document_->value(step.id);
    if (!v || v->size() == 0 || s.samples() == 0 || s.features() == 0)
        return {};
    const Eigen::Index i = std::min<Eigen::Index>(state_->sample(), s.samples() - 1);
    const Eigen::Index j = std::min<Eigen::Index>(state_->feature(), s.features() - 1);
    const Reduction r = Reduction::of(s.norm, s.samples(), s.features());
    QString where;
    Eigen::Index row = 0, col = 0;
    if (v->rows() == s.samples() && v->cols() == s.features()) {
        row = i;
        col = j;
        where = QStringLiteral("x[%1][%2]").arg(i).arg(j);
    } else if (isSetStatistic(step.id) && v->rows() == r.statRows() && v->cols() == r.statCols()) {
        row = r.statRow(i);
        col = r.statCol(j);
        where = QString::fromStdString(r.setName(row, col));
    } else if (v->rows() == 1 && v->cols() == s.features()) {
        col = j;
        where = tr("feature %1").arg(j);
    } else {
        return {};
    }
    const QString number = s.exercise.isHidden(step.id, row, col) ? QStringLiteral("?") : display_->format((*v)(row, col));
    return tr("%1:  %2 = %3").arg(where, QString::fromStdString(labelWithSymbol(step.output())), number);
}

void WalkthroughPanel::selectStatistic()
{
    const Session& s = document_->session();
    const Step& step = state_->currentStep();
    const Reduction r = Reduction::of(s.norm, s.samples(), s.features());
    // Eval mode reduces nothing from the batch: its statistics are the running ones.
    if (!isVisible() || !isSetStatistic(step.id) || r.eval || s.samples() == 0 || s.features() == 0) {
        if (!selectedStatistic_.isEmpty() && focus_->statistic() == selectedStatistic_)
            focus_->clearStatistic();
        selectedStatistic_.clear();
        return;
    }
    const Eigen::Index i = std::min<Eigen::Index>(state_->sample(), s.samples() - 1);
    const Eigen::Index j = std::min<Eigen::Index>(state_->feature(), s.features() - 1);
    selectedStatistic_ = QString::fromUtf8(step.id.data(), qsizetype(step.id.size()));
    focus_->setStatistic(selectedStatistic_, int(r.statRow(i)), int(r.statCol(j)));
}

void WalkthroughPanel::pickSet(const QModelIndex& index)
{
    const Session& s = document_->session();
    const Step& step = state_->currentStep();
    if (!index.isValid() || !isSetStatistic(step.id))
        return;
    const Reduction r = Reduction::of(s.norm, s.samples(), s.features());
    if (r.eval || index.row() >= r.statRows() || index.column() >= r.statCols())
        return;
    // The statistic in row a, column c is the set of sample a (one per sample: layer norm,
    // RMSNorm, group norm) and of the features of column c (one per feature or group); the
    // walkthrough's feature moves only when the clicked set does not hold it already.
    if (r.statRows() > 1)
        state_->setSample(index.row());
    if (r.statCol(std::min<Eigen::Index>(state_->feature(), s.features() - 1)) != index.column())
        for (Eigen::Index j = 0; j < s.features(); ++j)
            if (r.statCol(j) == index.column()) {
                state_->setFeature(int(j));
                break;
            }
}

}  // namespace bnflow::ui
