#include <results/results_panel.h>

#include <document/session_document.h>
#include <tables/matrix_view.h>
#include <tables/result_models.h>

#include <notices.h>

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace bnflow::ui {
namespace {

using RowSource = std::function<const RowVector*(const SessionDocument&)>;

template <typename Pick>
RowSource fromAnalysis(Pick pick)
{
    return [pick](const SessionDocument& d) -> const RowVector* {
        return d.analysis() ? &pick(*d.analysis()) : nullptr;
    };
}

template <typename Pick>
MatrixModel::Source matrixFromAnalysis(Pick pick)
{
    return [pick](const SessionDocument& d) -> const Matrix* {
        return d.analysis() ? &pick(*d.analysis()) : nullptr;
    };
}

}  // namespace

ResultsPanel::ResultsPanel(const SessionDocument* document, const DisplaySettings* display,
                           CellFocus* focus, QWidget* parent)
    : QWidget(parent), document_(document)
{
    const auto matrixView = [&](const QString& name, MatrixModel::Source source, bool colour = true) {
        auto* view = new MatrixView(display, focus, MatrixView::Highlight::Cell, this);
        view->setObjectName(name);
        view->setModel(new MatrixModel(document, display, std::move(source), colour, view));
        return view;
    };
    const auto featureView = [&](const QString& name, std::vector<FeatureModel::Row> rows, bool colour = true) {
        auto* view = new MatrixView(display, focus, MatrixView::Highlight::Column, this);
        view->setObjectName(name);
        view->setModel(new FeatureModel(document, display, std::move(rows), colour, view));
        return view;
    };

    auto* forward = featureView(QStringLiteral("forward"), {
        {tr("gamma"), [](const SessionDocument& d) { return &d.session().gamma; }, tr("scale")},
        {tr("beta"), [](const SessionDocument& d) { return &d.session().beta; }, tr("shift")},
        {tr("mean"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.forward.mean; }), tr("mu_j = (1/N) sum_i x_ij")},
        {tr("var"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.forward.var; }), tr("biased, two-pass: (1/N) sum_i (x_ij - mu_j)^2")},
        {tr("invStd"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.forward.invStd; }), tr("1 / sqrt(var_j + eps)")}});
    auto* gradients = featureView(QStringLiteral("gradients"), {
        {tr("dgamma"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.staged.dgamma; }), tr("sum_i dout_ij xhat_ij")},
        {tr("dbeta"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.staged.dbeta; }), tr("sum_i dout_ij")},
        {tr("dvar"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.staged.dvar; }), tr("staged cell 3")},
        {tr("dmean"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.staged.dmean; }), tr("staged cell 3, both paths")}});
    auto* xhat = matrixView(QStringLiteral("xhat"), matrixFromAnalysis([](const Analysis& a) -> const Matrix& { return a.forward.xhat; }));
    auto* y = matrixView(QStringLiteral("y"), matrixFromAnalysis([](const Analysis& a) -> const Matrix& { return a.forward.y; }));
    auto* staged = matrixView(QStringLiteral("dx_staged"), matrixFromAnalysis([](const Analysis& a) -> const Matrix& { return a.staged.dx; }));
    auto* fused = matrixView(QStringLiteral("dx_fused"), matrixFromAnalysis([](const Analysis& a) -> const Matrix& { return a.fused.grads.dx; }));
    auto* checks = featureView(QStringLiteral("checks"), {
        {tr("Σ dx"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.dxColumnSums; }), tr("sum_i dx_ij: 0 in exact math, because shifting a whole feature does not change xhat")},
        {tr("Σ dx·xhat"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.dxXhatColumnSums; }), tr("sum_i dx_ij xhat_ij = invStd (sum dxhat xhat) eps / (var + eps): close to 0, not 0")}},
        false);  // rounding-level values: a colour scale would only dramatise noise
    // |fused - staged| is rounding noise: shown without a colour scale.
    auto* difference = matrixView(QStringLiteral("dx_diff"), matrixFromAnalysis([](const Analysis& a) -> const Matrix& { return a.absDiffDx; }), false);

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
    grid->addWidget(titled(tr("xhat = (x - mean) * invStd"), tr("Normalised batch"), xhat), 0, 1);
    grid->addWidget(titled(tr("y = gamma * xhat + beta"), tr("Output of the layer"), y), 0, 2);
    grid->addWidget(titled(tr("Per feature: gradients"), tr("Backward pass, one value per feature"), gradients), 1, 0);
    grid->addWidget(titled(tr("dx, staged chain rule"), tr("The sum of the three paths: through xhat, var and mean"), staged), 1, 1);
    grid->addWidget(titled(tr("dx, fused closed form"), tr("invStd/N (N dxhat - sum dxhat - xhat sum(dxhat xhat))"), fused), 1, 2);
    grid->addWidget(titled(tr("Checks: invariants of dx"), tr("What must hold whatever the batch (MATH.md)"), checks), 2, 0);
    grid->addWidget(titled(tr("|fused - staged|"), tr("Both forms are exact in math: only rounding is left"), difference), 2, 1, 1, 2);
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
