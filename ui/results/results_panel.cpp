#include <results/results_panel.h>

#include <document/session_document.h>
#include <tables/matrix_view.h>
#include <tables/result_models.h>

#include <catalogue.h>
#include <notices.h>

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace bnflow::ui {
namespace {

QString text(std::string_view utf8)
{
    return QString::fromUtf8(utf8.data(), qsizetype(utf8.size()));
}

// A table's frame: the quantity's name and symbol, its meaning as the tooltip.
QWidget* titledQuantity(std::string_view id, QWidget* view, const QString& note = {})
{
    const Quantity& q = quantity(id);
    QString title = QString::fromStdString(labelWithSymbol(q));
    if (!note.isEmpty())
        title += QStringLiteral(" — ") + note;
    return titled(title, text(q.meaning), view);
}

}  // namespace

ResultsPanel::ResultsPanel(const SessionDocument* document, const DisplaySettings* display,
                           CellFocus* focus, QWidget* parent)
    : QWidget(parent), document_(document)
{
    const auto matrixView = [&](std::string_view id, bool colour = true) {
        auto* view = new MatrixView(display, focus, MatrixView::Highlight::Cell, this);
        view->setObjectName(text(id));
        view->setModel(new MatrixModel(document, display, id, colour, view));
        return view;
    };
    const auto featureView = [&](const QString& name, std::vector<std::string_view> ids, bool colour = true) {
        auto* view = new MatrixView(display, focus, MatrixView::Highlight::Column, this);
        view->setObjectName(name);
        view->setModel(new FeatureModel(document, display, std::move(ids), colour, view));
        return view;
    };

    auto* forward = featureView(QStringLiteral("forward"), {"gamma", "beta", "mean", "var", "inv_std"});
    auto* gradients = featureView(QStringLiteral("gradients"), {"dgamma", "dbeta", "dvar", "dmean"});
    // Rounding-level values: a colour scale would only dramatise noise.
    auto* checks = featureView(QStringLiteral("checks"), {"dx_sum", "dx_xhat_sum"}, false);

    heading_ = new QLabel(this);
    heading_->setObjectName(QStringLiteral("heading"));
    heading_->setWordWrap(true);
    heading_->setTextFormat(Qt::RichText);
    // The title is the user's text: its longest word must not set the window's minimum width.
    heading_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    problem_ = new QLabel(this);
    problem_->setWordWrap(true);
    problem_->setObjectName(QStringLiteral("problem"));
    problem_->setStyleSheet(QStringLiteral("QLabel { color: white; background: #b2182b; padding: 6px; font-weight: bold; }"));

    notices_ = new QLabel(this);
    notices_->setWordWrap(true);
    notices_->setObjectName(QStringLiteral("notices"));
    notices_->setStyleSheet(QStringLiteral("QLabel { color: white; background: #2166ac; padding: 6px; }"));

    auto* grid = new QGridLayout;
    grid->addWidget(titled(tr("Per feature: parameters and statistics"), tr("Forward pass, one value per feature"), forward), 0, 0);
    grid->addWidget(titledQuantity("xhat", matrixView("xhat")), 0, 1);
    grid->addWidget(titledQuantity("y", matrixView("y")), 0, 2);
    grid->addWidget(titled(tr("Per feature: gradients"), tr("Backward pass, one value per feature"), gradients), 1, 0);
    grid->addWidget(titledQuantity("dx", matrixView("dx"), tr("staged chain rule")), 1, 1);
    grid->addWidget(titledQuantity("fused_dx", matrixView("fused_dx"), tr("closed form")), 1, 2);
    grid->addWidget(titled(tr("Checks: invariants of dx"), tr("What must hold whatever the batch (doc/derivation.md, Invariants)"), checks), 2, 0);
    // |fused - staged| is rounding noise: shown without a colour scale.
    grid->addWidget(titledQuantity("dx_diff", matrixView("dx_diff", false)), 2, 1, 1, 2);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 3);
    grid->setRowStretch(2, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(heading_);
    layout->addWidget(problem_);
    layout->addWidget(notices_);
    layout->addLayout(grid, 1);
    connect(document_, &SessionDocument::resultsChanged, this, &ResultsPanel::refresh);
    refresh();
}

// The user's text as HTML that a label can always wrap: cut to `limit` characters (a 1 MB title
// once grew the window to 900 000 px and crashed it) and with a break opportunity (U+200B) in
// every run of 40 characters without a space, so that a long URL wraps instead of widening.
static QString wrappable(const std::string& text, int limit)
{
    QString plain = QString::fromStdString(text);
    if (plain.size() > limit)
        plain = plain.left(plain[limit - 1].isHighSurrogate() ? limit - 1 : limit) + QChar(0x2026);
    QString out;
    int run = 0;
    for (const QChar c : plain) {
        run = c.isSpace() ? 0 : run + 1;
        if (run > 40) {
            out += QChar(0x200B);
            run = 1;
        }
        out += c;
    }
    return out.toHtmlEscaped();
}

MatrixView* ResultsPanel::view(const QString& name) const
{
    return findChild<MatrixView*>(name);
}

void ResultsPanel::refresh()
{
    const Session& s = document_->session();
    QString heading = QStringLiteral("<b>%1</b>").arg(
        s.title.empty() ? tr("Untitled session") : wrappable(s.title, 300));
    if (!s.notes.empty())
        heading += QStringLiteral(" — ") + wrappable(s.notes, 1000);
    heading_->setText(heading);
    QStringList notes;
    if (const Analysis* a = document_->analysis())
        for (const std::string& note : notices(s, *a))
            notes << QString::fromStdString(note).toHtmlEscaped();
    notices_->setText(notes.join(QStringLiteral("<br>")));
    notices_->setVisible(!notes.isEmpty());
    const bool failed = !document_->analysis();
    problem_->setVisible(failed);
    if (failed)
        problem_->setText(tr("Cannot compute this session: %1")
                              .arg(QString::fromStdString(formatProblem(document_->problems().front()))));
}

}  // namespace bnflow::ui
