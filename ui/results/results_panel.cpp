#include <results/results_panel.h>

#include <document/session_document.h>
#include <document/display_settings.h>
#include <tables/colour_key.h>
#include <tables/matrix_view.h>
#include <tables/result_models.h>
#include <tables/set_model.h>

#include <core/teach/catalogue.h>
#include <core/teach/family_catalogue.h>
#include <core/teach/notices.h>

#include <QEvent>
#include <QGroupBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>
#include <array>

namespace bnflow::ui {
namespace {

constexpr std::size_t kChecks = 6;  // the frame of the invariants of dx, in frames_

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

    for (const char* id : {"xhat", "y", "dx", "fused_dx"})
        matrixView(id);
    // |fused - staged| is rounding noise: shown without a colour scale.
    matrixView("dx_diff", false);
    auto* forward = featureView(QStringLiteral("forward"), {"gamma", "beta", "mean", "var", "inv_std"});
    auto* gradients = featureView(QStringLiteral("gradients"), {"dgamma", "dbeta", "dvar", "dmean"});
    // Layer norm, RMSNorm and group norm: the statistics are per sample (or per sample and
    // group), not per feature; their own table under the per-feature one.
    const auto setView = [&](const QString& name) {
        auto* view = new MatrixView(display, focus, MatrixView::Highlight::Cell, this);
        view->setObjectName(name);
        view->setModel(new SetModel(document, display, {}, view));
        return view;
    };
    statistics_ = setView(QStringLiteral("statistics"));
    setGradients_ = setView(QStringLiteral("set_gradients"));
    const auto stacked = [this](MatrixView* top, MatrixView* bottom) {
        auto* box = new QWidget(this);
        auto* column = new QVBoxLayout(box);
        column->setContentsMargins(0, 0, 0, 0);
        column->addWidget(top);
        column->addWidget(bottom);
        return box;
    };
    // Rounding-level values: a colour scale would only dramatise noise.
    auto* checks = featureView(QStringLiteral("checks"), {"dx_sum", "dx_xhat_sum"}, false);
    // A click on a statistic (mean, var, dvar, ...) selects its set for the batch editor to
    // show (the reduction made visible); a click on anything else takes that selection back.
    for (MatrixView* v : findChildren<MatrixView*>())
        connect(v, &QAbstractItemView::clicked, focus, [focus, v](const QModelIndex& index) {
            const auto* model = qobject_cast<const DocumentTableModel*>(v->model());
            const auto shown = model ? model->shownAt(index.row(), index.column()) : std::nullopt;
            if (shown && isSetStatistic(shown->quantityId))
                focus->setStatistic(QString::fromUtf8(shown->quantityId.data(), qsizetype(shown->quantityId.size())),
                                    int(shown->cell.row), int(shown->cell.col));
            else
                focus->clearStatistic();
        });

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

    frames_ = {
        {titled(tr("Per feature: parameters and statistics"), tr("Forward pass, one value per feature"), stacked(forward, statistics_)), forward},
        {titledQuantity("xhat", view(QStringLiteral("xhat"))), nullptr},
        {titledQuantity("y", view(QStringLiteral("y"))), nullptr},
        {titled(tr("Per feature: gradients"), tr("Backward pass, one value per feature"), stacked(gradients, setGradients_)), gradients},
        {titledQuantity("dx", view(QStringLiteral("dx")), tr("staged chain rule")), nullptr},
        {titledQuantity("fused_dx", view(QStringLiteral("fused_dx")), tr("closed form")), nullptr},
        {titled(tr("Checks: invariants of dx"), tr("What must hold whatever the batch (Help > The derivation: two checks that always hold)"), checks), checks},
        {titledQuantity("dx_diff", view(QStringLiteral("dx_diff"))), nullptr},
    };
    for (Frame& f : frames_)
        if (!f.view)
            f.view = f.frame->findChild<MatrixView*>();
    grid_ = new QGridLayout;
    key_ = new ColourKey(display, this);
    auto* keyRow = new QHBoxLayout;
    keyRow->addStretch(1);
    keyRow->addWidget(new QLabel(tr("Colours:"), this));
    keyRow->addWidget(key_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(heading_);
    layout->addWidget(problem_);
    layout->addWidget(notices_);
    layout->addLayout(grid_);
    layout->addLayout(keyRow);
    layout->addStretch(1);  // below tables that show all their rows, not inside them
    connect(document_, &SessionDocument::resultsChanged, this, &ResultsPanel::refresh);
    connect(display, &DisplaySettings::changed, this, &ResultsPanel::arrange);
    refresh();
}

// Where each frame goes for 3, 2 or 1 columns: {row, column, column span}, in frames_' order
// (forward, xhat, y, gradients, dx, fused dx, checks, |fused - staged|). Three columns put
// staged beside fused; fewer keep the per-feature tables first, then the matrices in pairs.
static const std::array<std::array<int, 3>, 8>& placement(int columns)
{
    static const std::array<std::array<int, 3>, 8> three{{{0, 0, 1}, {0, 1, 1}, {0, 2, 1}, {1, 0, 1},
                                                           {1, 1, 1}, {1, 2, 1}, {2, 0, 1}, {2, 1, 2}}};
    static const std::array<std::array<int, 3>, 8> two{{{0, 0, 1}, {1, 0, 1}, {1, 1, 1}, {0, 1, 1},
                                                         {2, 0, 1}, {2, 1, 1}, {3, 0, 1}, {3, 1, 1}}};
    static const std::array<std::array<int, 3>, 8> one{{{0, 0, 1}, {3, 0, 1}, {4, 0, 1}, {1, 0, 1},
                                                         {5, 0, 1}, {6, 0, 1}, {2, 0, 1}, {7, 0, 1}}};
    return columns >= 3 ? three : columns == 2 ? two : one;
}

void ResultsPanel::arrange()
{
    // Every table shows all its columns and up to kRows rows before it scrolls; the panel uses
    // as many columns of tables as the width allows, and the page scrolls down instead.
    constexpr int kRows = 16;
    const int margin = 16;  // the frame's border and padding around a table (a group box: 2 + 4 each side, and its layout's)
    // A frame's width: its table's, or the per-sample statistics' under it where wider.
    const auto frameWidth = [&](std::size_t k) {
        int w = frames_[k].view->contentSize(kRows).width();
        for (MatrixView* v : {statistics_, setGradients_})
            if (!v->isHidden() && frames_[k].frame->isAncestorOf(v))
                w = std::max(w, v->contentSize(kRows).width());
        return w;
    };
    const auto needed = [&](int columns) {
        std::array<int, 3> widths{};
        for (std::size_t k = 0; k < frames_.size(); ++k) {
            const auto& [row, column, span] = placement(columns)[k];
            if (span == 1 && (k != kChecks || showChecks_))
                widths[std::size_t(column)] = std::max(widths[std::size_t(column)], frameWidth(k) + margin);
        }
        return widths[0] + widths[1] + widths[2] + (columns - 1) * grid_->spacing();
    };
    // The width on offer: the scroll area's viewport when the panel is a scrolling page (its own
    // width follows the minimum this very function sets), else its own.
    const QMargins margins = contentsMargins();
    const int available = (parentWidget() ? parentWidget()->width() : width()) - margins.left() - margins.right() - 8;
    int columns = 3;
    while (columns > 1 && needed(columns) > available)
        --columns;
    // Where the columns fit, no table is squeezed below its numbers by its neighbours; where
    // even one does not (a wide batch on a narrow screen), each table scrolls on its own.
    const bool fits = needed(columns) <= available;
    // A table that scrolls sideways keeps every row in sight above its scroll bar.
    const int scrollBar = style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, this);
    const auto sideways = [&](MatrixView* v) { return !fits && v->contentSize(kRows).width() + margin > available; };
    for (Frame& f : frames_) {
        f.view->setMinimumWidth(fits ? f.view->contentSize(kRows).width() : 0);
        f.view->setFixedHeight(f.view->contentSize(kRows).height() + (sideways(f.view) ? scrollBar : 0));
    }
    for (MatrixView* v : {statistics_, setGradients_}) {
        v->setMinimumWidth(fits && !v->isHidden() ? v->contentSize(kRows).width() : 0);
        v->setFixedHeight(v->contentSize(kRows).height() + (sideways(v) ? scrollBar : 0));
    }
    // In the panel only: a frame without a parent would open as a window of its own.
    if (frames_[kChecks].frame->parentWidget())
        frames_[kChecks].frame->setVisible(showChecks_);
    if (columns == columns_ && grid_->count() == int(frames_.size()))
        return;
    columns_ = columns;
    for (const Frame& f : frames_)
        grid_->removeWidget(f.frame);
    for (std::size_t k = 0; k < frames_.size(); ++k) {
        const auto& [row, column, span] = placement(columns)[k];
        grid_->addWidget(frames_[k].frame, row, column, 1, span, Qt::AlignTop);
    }
    for (int c = 0; c < 3; ++c)
        grid_->setColumnStretch(c, c < columns ? 1 : 0);
    frames_[kChecks].frame->setVisible(showChecks_);
}

void ResultsPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    arrange();
}

bool ResultsPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize)
        arrange();
    return QWidget::eventFilter(watched, event);
}

bool ResultsPanel::event(QEvent* event)
{
    if (event->type() == QEvent::ParentChange) {  // e.g. put into a scroll area
        if (parentWidget())
            parentWidget()->installEventFilter(this);
        arrange();
    }
    return QWidget::event(event);
}

int ResultsPanel::columns() const
{
    return columns_;
}

void ResultsPanel::addAboveTables(QWidget* widget)
{
    auto* column = static_cast<QVBoxLayout*>(layout());
    column->insertWidget(column->indexOf(notices_) + 1, widget);
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

// The tables follow the layer: batch norm's statistics are per feature, the others' per sample
// (core/math/family.h); eval mode adds the running statistics; the invariants of dx are batch norm's.
void ResultsPanel::showLayer()
{
    const NormConfig& norm = document_->norm();
    const Layer layer = norm.layerOrDefault();
    // The layer's tables (core/layers): per feature (or channel), and per set where the sets
    // are not the columns.
    const LayerSpec& spec = layerSpec(norm, document_->session().features());
    std::vector<std::string_view> forward = spec.tableForward, gradients = spec.tableGradients;
    const std::vector<std::string_view> statistics = spec.tableStatistics, setGradients = spec.tableSetGradients;
    if (norm.updatesRunning())
        forward.insert(forward.end(), {"running_mean", "running_var", "updated_running_mean", "updated_running_var"});
    // frames_[0] and [3] hold the per-feature tables (the frames may not be in the panel yet).
    static_cast<FeatureModel*>(frames_[0].view->model())->setQuantities(forward);
    static_cast<FeatureModel*>(frames_[3].view->model())->setQuantities(gradients);
    static_cast<SetModel*>(statistics_->model())->setQuantities(statistics);
    static_cast<SetModel*>(setGradients_->model())->setQuantities(setGradients);
    statistics_->setVisible(!statistics.empty());
    setGradients_->setVisible(!setGradients.empty());
    const bool perSample = !statistics.empty();
    const bool trainingBatchNorm = norm.isTrainingBatchNorm();
    auto* forwardBox = static_cast<QGroupBox*>(frames_[0].frame);
    auto* gradientBox = static_cast<QGroupBox*>(frames_[3].frame);
    const Session& s = document_->session();
    const bool spatial = norm.positions(s.features()) > 1;  // gamma, beta, ... per channel
    forwardBox->setTitle(perSample ? (spatial ? tr("Parameters per channel; statistics per %1")
                                              : tr("Parameters per feature; statistics per %1"))
                                         .arg(layer == Layer::GroupNorm ? tr("sample and group") : tr("sample"))
                                   : spatial ? tr("Per channel: parameters and statistics")
                                             : tr("Per feature: parameters and statistics"));
    gradientBox->setTitle(perSample ? (spatial ? tr("Gradients per channel and per %1")
                                               : tr("Gradients per feature and per %1"))
                                          .arg(layer == Layer::GroupNorm ? tr("sample and group") : tr("sample"))
                                    : spatial ? tr("Per channel: gradients") : tr("Per feature: gradients"));
    showChecks_ = trainingBatchNorm;  // Σ dx = 0 and Σ dx·xhat = 0 per column; arrange() applies it
}

void ResultsPanel::refresh()
{
    showLayer();
    const Session& s = document_->session();
    QString heading = QStringLiteral("<b>%1</b>").arg(
        s.title.empty() ? tr("Untitled session") : wrappable(s.title, 300));
    if (!s.notes.empty())
        heading += QStringLiteral(" — ") + wrappable(s.notes, 1000);
    heading_->setText(heading);
    QStringList notes;
    if (const FamilyAnalysis* a = document_->analysis())
        for (const std::string& note : notices(s, *a))
            notes << QString::fromStdString(note).toHtmlEscaped();
    notices_->setText(notes.join(QStringLiteral("<br>")));
    notices_->setVisible(!notes.isEmpty());
    arrange();  // the shape or the widest number may have changed
    const bool failed = !document_->isComputed();
    problem_->setVisible(failed);
    if (failed)
        problem_->setText(tr("Cannot compute this session: %1")
                              .arg(document_->whyNoAnalysis()));
}

}  // namespace bnflow::ui
