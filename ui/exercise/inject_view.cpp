#include <exercise/inject_view.h>

#include <document/display_settings.h>
#include <document/session_document.h>

#include <core/teach/check.h>

#include <algorithm>
#include <cmath>

namespace bnflow::ui {
namespace {

constexpr Eigen::Index kRowsShown = 8;

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

QString mark(bool fails)
{
    return fails ? QStringLiteral("<span style='color:#b2182b'><b>✗</b></span>")
                 : QStringLiteral("<span style='color:#1a9850'><b>✓</b></span>");
}

}  // namespace

InjectView::InjectView(const SessionDocument* document, const DisplaySettings* display, QWidget* parent)
    : QTextBrowser(parent), document_(document), display_(display)
{
    setObjectName(QStringLiteral("injectView"));
    setOpenLinks(false);
    connect(document_, &SessionDocument::resultsChanged, this, &InjectView::refresh);
    connect(display_, &DisplaySettings::changed, this, &InjectView::refresh);
    refresh();
}

void InjectView::refresh()
{
    const std::string& name = document_->session().exercise.inject;
    if (name.empty()) {
        outcome_.reset();
        setHtml(tr("<p>No mistake injected. Choose one above to see what a backward pass with that "
                   "mistake outputs for this batch, and how the gradient check and the invariants "
                   "catch it.</p>"));
        return;
    }
    outcome_ = injectMistake(document_->session(), name);
    if (!outcome_->ok()) {
        setHtml(tr("<p><b>%1</b> cannot be shown for this session: %2</p>")
                    .arg(qs(name), QString::fromStdString(formatProblem(outcome_->problems.front())).toHtmlEscaped()));
        return;
    }
    const InjectedMistake& r = *outcome_->result;
    setHtml(QStringLiteral("<h3>%1 <small>(%2)</small></h3><p>%3</p>")
                .arg(qs(r.mistake->title).toHtmlEscaped(), qs(r.mistake->name), qs(r.mistake->explanation).toHtmlEscaped()) +
            exposureHtml(r) + outputHtml(r));
}

QString InjectView::cellText(std::string_view id, Eigen::Index i, Eigen::Index j, double wrong) const
{
    const Exercise& exercise = document_->session().exercise;
    if (exercise.isHidden(id, i, j)) {
        const auto right = document_->value(id);
        if (right && std::abs((*right)(i, j) - wrong) <= kExactScaledError * std::max(1.0, std::abs(wrong)))
            return QStringLiteral("?");
    }
    return display_->format(wrong);
}

QString InjectView::exposureHtml(const InjectedMistake& r) const
{
    QString html = tr("<h4>How it is caught</h4><table cellpadding='3'>");
    const auto row = [&](const QString& what, double error) {
        html += QStringLiteral("<tr><td>%1</td><td>%2</td><td align='right'>%3</td></tr>")
                    .arg(mark(error > kCloseScaledError), what, display_->format(error));
    };
    row(tr("gradient check, dx: max |yours − numeric| / max |numeric|"), r.scaledErrorDx);
    row(tr("gradient check, dgamma"), r.scaledErrorDgamma);
    row(tr("gradient check, dbeta"), r.scaledErrorDbeta);
    html += QStringLiteral("</table>");
    html += r.gradCheckFails
                ? tr("<p>The gradient check (central differences, h = %1%2) <b>fails</b>: a right backward "
                     "pass agrees to about 1e-8.</p>").arg(r.check.h).arg(r.check.sampled ? tr(", sampled") : QString())
                : tr("<p>The gradient check passes: this mistake does not change the gradients here.</p>");
    QStringList sums;
    for (Eigen::Index j = 0; j < r.dxColumnSums.size() && j < 12; ++j)
        sums << display_->format(r.dxColumnSums[j]);
    if (r.dxColumnSums.size() > 12)
        sums << QStringLiteral("…");
    html += tr("<p>Invariant Σ<sub>i</sub> dx<sub>ij</sub> = 0 (Help > The derivation, two checks that always hold): column sums "
               "[%1] %2</p>").arg(sums.join(QStringLiteral(", ")), mark(!r.brokenColumns.empty()));
    if (r.brokenColumns.empty()) {
        html += tr("<p>Every column still sums to 0: this invariant does not expose the mistake; the "
                   "gradient check does.</p>");
    } else {
        QStringList columns;
        for (const Eigen::Index j : r.brokenColumns)
            columns << QString::number(j);
        html += tr("<p><b>Broken</b> in feature(s) %1: a dx whose columns do not sum to 0 would move "
                   "the batch mean, which batch norm removes.</p>").arg(columns.join(QStringLiteral(", ")));
    }
    return html;
}

QString InjectView::outputHtml(const InjectedMistake& r) const
{
    const Matrix& dx = r.wrong.dx;
    QString html = tr("<h4>What it outputs</h4><p>dx with the mistake (first %1 of %2 samples):</p>"
                      "<table border='1' cellspacing='0' cellpadding='3'><tr><th></th>")
                       .arg(std::min(kRowsShown, dx.rows())).arg(dx.rows());
    for (Eigen::Index j = 0; j < dx.cols(); ++j)
        html += QStringLiteral("<th>j=%1</th>").arg(j);
    html += QStringLiteral("</tr>");
    for (Eigen::Index i = 0; i < std::min(kRowsShown, dx.rows()); ++i) {
        html += QStringLiteral("<tr><th>i=%1</th>").arg(i);
        for (Eigen::Index j = 0; j < dx.cols(); ++j)
            html += QStringLiteral("<td align='right'>%1</td>").arg(cellText("dx", i, j, dx(i, j)));
        html += QStringLiteral("</tr>");
    }
    const auto vectorRow = [&](const char* id, const RowVector& v) {
        QString out = QStringLiteral("<tr><th>%1</th>").arg(QLatin1String(id));
        for (Eigen::Index j = 0; j < v.size(); ++j)
            out += QStringLiteral("<td align='right'>%1</td>").arg(cellText(id, 0, j, v[j]));
        return out + QStringLiteral("</tr>");
    };
    html += vectorRow("dgamma", r.wrong.dgamma) + vectorRow("dbeta", r.wrong.dbeta);
    return html + QStringLiteral("</table>");
}

}  // namespace bnflow::ui
