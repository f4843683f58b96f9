#include <check/step_comparison.h>

#include <check/check_panel.h>
#include <document/display_settings.h>
#include <document/session_document.h>
#include <walkthrough/walkthrough_state.h>

#include <core/teach/catalogue.h>

namespace bnflow::ui {
namespace {

constexpr Eigen::Index kRowsShown = 8;

}  // namespace

StepComparison::StepComparison(const SessionDocument* document, const CheckPanel* check,
                               const WalkthroughState* state, const DisplaySettings* display, QWidget* parent)
    : QLabel(parent), document_(document), check_(check), state_(state), display_(display)
{
    setObjectName(QStringLiteral("studentComparison"));
    setTextFormat(Qt::RichText);
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setFrameShape(QFrame::StyledPanel);
    setToolTip(tr("Your values (Check my gradient tab) beside the right ones; Clear there removes them"));
    connect(check_, &CheckPanel::resultChanged, this, &StepComparison::refresh);
    connect(state_, &WalkthroughState::changed, this, &StepComparison::refresh);
    connect(document_, &SessionDocument::resultsChanged, this, &StepComparison::refresh);
    connect(display_, &DisplaySettings::changed, this, &StepComparison::refresh);
    refresh();
}

void StepComparison::refresh()
{
    const auto& student = check_->student();
    if (!student || !check_->result() || !document_->analysis()) {
        clear();
        hide();
        return;
    }
    // The student's tensor that this step computes, else their dx: what every mistake shows in.
    const Step& step = steps()[std::size_t(state_->step())];
    const std::string_view stepId = hiddenAs(step.id);
    std::string_view id = "dx";
    const Matrix* theirs = student->dx ? &*student->dx : nullptr;
    Matrix perFeature;  // their dgamma or dbeta, 1 x D
    if (stepId == "dgamma" && student->dgamma) {
        id = "dgamma";
        perFeature = *student->dgamma;
        theirs = &perFeature;
    } else if (stepId == "dbeta" && student->dbeta) {
        id = "dbeta";
        perFeature = *student->dbeta;
        theirs = &perFeature;
    }
    const auto right = document_->value(id);
    if (!theirs || !right || theirs->rows() != right->rows() || theirs->cols() != right->cols()) {
        clear();
        hide();
        return;
    }
    const int j = std::clamp(state_->feature(), 0, int(right->cols()) - 1);
    const Exercise& exercise = document_->session().exercise;
    QString html = tr("<b>Your %1 beside the right one</b>, feature j = %2%3:"
                      "<table cellspacing='0' cellpadding='2'><tr><th></th><th>right</th><th>yours</th><th>difference</th></tr>")
                       .arg(QLatin1String(id.data(), qsizetype(id.size())))
                       .arg(j)
                       .arg(stepId == id ? QString() : tr(" (this step feeds it)"));
    const Eigen::Index rows = std::min(kRowsShown, right->rows());
    for (Eigen::Index i = 0; i < rows; ++i) {
        const double r = (*right)(i, j), s = (*theirs)(i, j);
        const bool hidden = exercise.isHidden(id, i, j);
        html += QStringLiteral("<tr><th>i=%1</th><td align='right'>%2</td><td align='right'>%3</td>"
                               "<td align='right'>%4</td></tr>")
                    .arg(i)
                    .arg(hidden ? QStringLiteral("?") : display_->format(r), display_->format(s),
                         hidden ? QStringLiteral("?") : display_->format(s - r));
    }
    if (right->rows() > rows)
        html += tr("<tr><td colspan='4'>… %1 more samples</td></tr>").arg(right->rows() - rows);
    setText(html + QStringLiteral("</table>"));
    show();
}

}  // namespace bnflow::ui
