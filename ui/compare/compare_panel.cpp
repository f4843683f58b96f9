#include <compare/compare_panel.h>

#include <compare/value_model.h>
#include <compare/widget_image.h>
#include <document/display_settings.h>
#include <document/session_document.h>
#include <tables/matrix_view.h>
#include <tables/reflow_box.h>

#include <core/teach/catalogue.h>

#include <QAbstractItemView>
#include <QComboBox>
#include <QDir>
#include <QDoubleValidator>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace bnflow::ui {
namespace {

// The quantities a configuration yields, as catalogue ids.
constexpr int kShownColumns = 8;  // a table wider than this scrolls: a laptop's tab holds 8
constexpr int kNarrowColumns = 4;  // where the tab holds fewer (a 2x screen): 4, and the table scrolls
constexpr std::array<const char*, 6> kQuantities{"y", "dx", "dgamma", "dbeta", "updated_running_mean",
                                                 "updated_running_var"};

QString label(const char* id)
{
    return QString::fromStdString(labelWithSymbol(quantity(id)));
}

// nullptr: this configuration has no such quantity (running statistics without a convention).
const Matrix* pick(const Computed& c, const QString& id)
{
    static thread_local Matrix row;  // a per-feature vector as a 1 x D matrix
    if (id == QLatin1String("y"))
        return &c.y;
    if (id == QLatin1String("dx"))
        return &c.dx;
    if (id == QLatin1String("updated_running_mean") || id == QLatin1String("updated_running_var")) {
        const std::optional<RowVector>& running = id.endsWith(QLatin1String("mean")) ? c.runningMean : c.runningVar;
        if (!running)
            return nullptr;
        row = Matrix(*running);
        return &row;
    }
    row = id == QLatin1String("dgamma") ? Matrix(c.dgamma) : Matrix(c.dbeta);
    return &row;
}

}  // namespace

ComparePanel::ComparePanel(const SessionDocument* document, const DisplaySettings* display,
                           CellFocus* focus, QWidget* parent)
    : QWidget(parent), document_(document), display_(display)
{
    preset_ = new QComboBox(this);
    preset_->setObjectName(QStringLiteral("comparePreset"));
    preset_->addItem(tr("batch norm against layer norm"));
    preset_->addItem(tr("eps 1e-5 (PyTorch) against 1e-3 (Keras)"));
    preset_->addItem(tr("float64 against float32"));
    preset_->addItem(tr("the session's eps against 0"));
    preset_->addItem(tr("PyTorch against Keras running statistics"));
    preset_->addItem(tr("float64 against bfloat16 (sums in float32)"));
    preset_->addItem(tr("float64 against float16 (sums in float32)"));
    preset_->setToolTip(tr("A starting pair; edit either side below"));
    // Narrow enough for a laptop's tab; its list opens as wide as its longest pair.
    preset_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    preset_->setMinimumContentsLength(16);
    preset_->view()->setMinimumWidth(preset_->view()->sizeHintForColumn(0));
    quantity_ = new QComboBox(this);
    quantity_->setObjectName(QStringLiteral("compareQuantity"));
    for (const char* id : kQuantities)
        quantity_->addItem(label(id), QString::fromLatin1(id));
    quantity_->setCurrentIndex(1);  // dx: what the student derives
    auto* exportButton = new QPushButton(tr("Export..."), this);
    exportButton->setToolTip(tr("The comparison as PNG, PDF or SVG (by the file's extension)"));
    connect(exportButton, &QPushButton::clicked, this, &ComparePanel::chooseAndExport);
    // The pair, then what to show of it: one row, or two on a narrow tab.
    auto* tools = new ReflowBox(this);
    auto* pair = new QWidget(tools);
    auto* pairRow = new QHBoxLayout(pair);
    pairRow->setContentsMargins(0, 0, 0, 0);
    pairRow->addWidget(new QLabel(tr("Compare"), pair));
    pairRow->addWidget(preset_, 1);
    auto* shown = new QWidget(tools);
    auto* shownRow = new QHBoxLayout(shown);
    shownRow->setContentsMargins(0, 0, 0, 0);
    shownRow->addWidget(new QLabel(tr("Show"), shown));
    shownRow->addWidget(quantity_, 1);
    shownRow->addWidget(exportButton);
    tools->addPane(pair, 1);
    tools->addPane(shown);

    sheet_ = new QWidget(this);
    // A and B side by side, their difference under A with how to read it beside: two tables
    // wide where the tab allows (a laptop at D = 3), one above the other where it does not
    // (D = 8, a projector, 2x), never a side cut off.
    auto* sides = new ReflowBox(sheet_);
    auto* below = new ReflowBox(sheet_);
    for (int c = 0; c < 3; ++c) {
        models_[std::size_t(c)] = new ValueModel(display_, this);
        auto* view = new MatrixView(display_, focus, MatrixView::Highlight::Cell, sheet_);
        view->setObjectName(QStringLiteral("compare%1").arg(QLatin1Char("AB-"[c])));
        view->setModel(models_[std::size_t(c)]);
        view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
        tables_[std::size_t(c)] = view;
        headings_[std::size_t(c)] = new QLabel(sheet_);
        headings_[std::size_t(c)]->setWordWrap(true);
        QFont bold = headings_[std::size_t(c)]->font();
        bold.setBold(true);
        headings_[std::size_t(c)]->setFont(bold);
        auto* pane = new QWidget(sheet_);
        auto* paneLayout = new QVBoxLayout(pane);
        paneLayout->setContentsMargins(0, 0, 0, 0);
        paneLayout->addWidget(headings_[std::size_t(c)]);
        if (c < 2)
            paneLayout->addWidget(buildSide(c));
        paneLayout->addWidget(view);
        paneLayout->addStretch(1);
        (c < 2 ? sides : below)->addPane(pane, 1);
        connect(view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this, view] { followSelection(view); });
    }
    auto* differenceNote = new QLabel(tr("Red: B is larger; blue: A is larger. Pale: the two agree to rounding."), sheet_);
    differenceNote->setWordWrap(true);
    summary_ = new QLabel(sheet_);
    summary_->setObjectName(QStringLiteral("compareSummary"));
    summary_->setWordWrap(true);
    auto* aside = new QWidget(sheet_);  // beside the difference: how to read it, and its largest cell
    auto* asideLayout = new QVBoxLayout(aside);
    asideLayout->setContentsMargins(0, 0, 0, 0);
    asideLayout->addWidget(differenceNote);
    asideLayout->addWidget(summary_);
    asideLayout->addStretch(1);
    // Beside the difference only where a line holds a few words: else under it.
    aside->setMinimumWidth(aside->fontMetrics().averageCharWidth() * 28);
    below->addPane(aside, 1);
    auto* sheetLayout = new QVBoxLayout(sheet_);
    sheetLayout->addWidget(sides);
    sheetLayout->addWidget(below);
    sheetLayout->addStretch(1);  // the space below the tables, not inside them

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tools);
    layout->addWidget(sheet_, 1);

    connect(preset_, &QComboBox::currentIndexChanged, this, &ComparePanel::applyPreset);
    connect(quantity_, &QComboBox::currentIndexChanged, this, &ComparePanel::refresh);
    connect(document_, &SessionDocument::resultsChanged, this, &ComparePanel::refresh);
    applyPreset(0);
}

QWidget* ComparePanel::buildSide(int index)
{
    Side& side = sides_[std::size_t(index)];
    auto* box = new QWidget(sheet_);
    side.eps = new QLineEdit(box);
    side.eps->setObjectName(QStringLiteral("compareEps%1").arg(QLatin1Char("AB"[index])));
    side.eps->setPlaceholderText(tr("the session's"));
    side.eps->setToolTip(tr("eps for this side; empty: the session's own. Return applies it."));
    auto* validator = new QDoubleValidator(0, 1e300, 300, side.eps);
    validator->setNotation(QDoubleValidator::ScientificNotation);
    validator->setLocale(QLocale::c());
    side.eps->setValidator(validator);
    side.layer = new QComboBox(box);
    side.layer->setObjectName(QStringLiteral("compareLayer%1").arg(QLatin1Char("AB"[index])));
    side.layer->addItem(tr("the session's layer"), -1);
    for (const Layer layer : {Layer::BatchNorm, Layer::LayerNorm, Layer::RmsNorm}) {
        const std::string_view title = layerTitle(layer);
        side.layer->addItem(QString::fromUtf8(title.data(), qsizetype(title.size())), int(layer));
    }
    side.layer->setToolTip(tr("Which normalization this side computes, on the same batch, gamma, beta and dout"));
    side.dtype = new QComboBox(box);
    side.dtype->setObjectName(QStringLiteral("compareDtype%1").arg(QLatin1Char("AB"[index])));
    side.dtype->addItem(tr("float64"), QStringLiteral("f64"));
    side.dtype->addItem(tr("float32"), QStringLiteral("f32"));
    side.dtype->addItem(tr("bfloat16"), QStringLiteral("bf16"));
    side.dtype->addItem(tr("float16"), QStringLiteral("f16"));
    side.dtype->setToolTip(tr("float32 runs the forward pass and the fused backward pass in single precision; "
                              "bfloat16 and float16 are the precision lens: every value stored and every "
                              "operation rounded to that type"));
    side.accumulate = new QComboBox(box);
    side.accumulate->setObjectName(QStringLiteral("compareAccumulate%1").arg(QLatin1Char("AB"[index])));
    side.accumulate->addItem(tr("sums in the same type"), QStringLiteral("same"));
    side.accumulate->addItem(tr("sums in float32"), QStringLiteral("f32"));
    side.accumulate->addItem(tr("sums in float64"), QStringLiteral("f64"));
    side.accumulate->setToolTip(tr("The type the sums (the mean, the variance, dgamma, dbeta, ...) run in; "
                                   "each finished sum is stored in the side's type, as mixed-precision kernels do"));
    side.accumulate->hide();
    side.convention = new QComboBox(box);
    side.convention->setObjectName(QStringLiteral("compareConvention%1").arg(QLatin1Char("AB"[index])));
    side.convention->addItem(tr("the session's running statistics"), -1);
    side.convention->addItem(tr("PyTorch running statistics"), int(Convention::PyTorch));
    side.convention->addItem(tr("Keras running statistics"), int(Convention::Keras));
    side.convention->addItem(tr("CS231n running statistics"), int(Convention::Cs231n));
    side.convention->setToolTip(tr("Batch norm in training mode: update the running mean and variance "
                                   "under this convention (from the session's, or 0 and 1), each with "
                                   "its default momentum. Show them with \"running mean (updated)\"."));
    side.problem = new QLabel(box);
    side.problem->setWordWrap(true);
    side.problem->setStyleSheet(QStringLiteral("QLabel { color: #b2182b; font-weight: bold; }"));
    side.problem->hide();
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("eps"), box));
    row->addWidget(side.eps, 1);
    row->addWidget(side.dtype);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(side.layer);
    layout->addLayout(row);
    layout->addWidget(side.accumulate);
    layout->addWidget(side.convention);
    layout->addWidget(side.problem);
    connect(side.eps, &QLineEdit::editingFinished, this, [this, index] { readEditors(index); });
    connect(side.dtype, &QComboBox::currentIndexChanged, this, [this, index] { readEditors(index); });
    connect(side.layer, &QComboBox::currentIndexChanged, this, [this, index] { readEditors(index); });
    connect(side.accumulate, &QComboBox::currentIndexChanged, this, [this, index] { readEditors(index); });
    connect(side.convention, &QComboBox::currentIndexChanged, this, [this, index] { readEditors(index); });
    return box;
}

void ComparePanel::fitTables()
{
    // The room on offer: the scroll area's viewport when the panel is a scrolling page (the
    // panel's own width follows the minimum set here).
    const int room = (parentWidget() ? parentWidget()->width() : width()) - 4 * layout()->contentsMargins().left();
    for (MatrixView* view : tables_) {
        view->fitHeightToRows(16);
        const int wide = view->contentSize(16, kShownColumns).width();
        view->setMinimumWidth(wide <= room ? wide : view->contentSize(16, kNarrowColumns).width());
    }
}

void ComparePanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitTables();
}

void ComparePanel::readEditors(int index)
{
    Side& side = sides_[std::size_t(index)];
    Configuration c;
    bool ok = false;
    const double eps = QLocale::c().toDouble(side.eps->text().trimmed(), &ok);
    if (ok)
        c.eps = eps;
    const QByteArray type = side.dtype->currentData().toString().toLatin1();
    if (type == "f32")
        c.dtype = Dtype::F32;
    else if (type != "f64") {
        c.emulated = numberTypeNamed(type.constData());
        const QByteArray sums = side.accumulate->currentData().toString().toLatin1();
        if (sums != "same")
            c.accumulate = numberTypeNamed(sums.constData());
    }
    side.accumulate->setVisible(c.emulated.has_value());
    if (const int layer = side.layer->currentData().toInt(); layer >= 0)
        c.layer = Layer(layer);
    if (const int convention = side.convention->currentData().toInt(); convention >= 0)
        c.convention = Convention(convention);
    if (c == side.configuration)
        return;
    side.configuration = c;
    refresh();
}

void ComparePanel::setConfiguration(int index, const Configuration& configuration)
{
    Side& side = sides_[std::size_t(index)];
    side.configuration = configuration;
    {
        const QSignalBlocker blockEps(side.eps), blockDtype(side.dtype), blockLayer(side.layer),
            blockConvention(side.convention), blockAccumulate(side.accumulate);
        side.layer->setCurrentIndex(std::max(0, side.layer->findData(configuration.layer ? int(*configuration.layer) : -1)));
        side.convention->setCurrentIndex(
            std::max(0, side.convention->findData(configuration.convention ? int(*configuration.convention) : -1)));
        side.eps->setText(configuration.eps ? DisplaySettings::fullPrecision(*configuration.eps) : QString());
        const std::string_view type = configuration.emulated ? numberTypeName(*configuration.emulated)
                                      : configuration.dtype == Dtype::F32 ? "f32" : "f64";
        side.dtype->setCurrentIndex(side.dtype->findData(QString::fromLatin1(type.data(), qsizetype(type.size()))));
        const std::string_view sums = configuration.accumulate ? numberTypeName(*configuration.accumulate) : "same";
        side.accumulate->setCurrentIndex(
            std::max(0, side.accumulate->findData(QString::fromLatin1(sums.data(), qsizetype(sums.size())))));
        side.accumulate->setVisible(configuration.emulated.has_value());
    }
    refresh();
}

void ComparePanel::setQuantity(const QString& id)
{
    const int index = quantity_->findData(id);
    if (index >= 0)
        quantity_->setCurrentIndex(index);
}

MatrixView* ComparePanel::table(int column) const
{
    return tables_[std::size_t(column)];
}

QString ComparePanel::summary() const
{
    return summary_->text();
}

void ComparePanel::applyPreset(int index)
{
    Configuration a, b;
    switch (index) {
    case 0:
        a.layer = Layer::BatchNorm;
        b.layer = Layer::LayerNorm;
        break;
    case 1:
        a.eps = 1e-5;
        b.eps = 1e-3;
        break;
    case 2:
        b.dtype = Dtype::F32;
        break;
    case 3:
        b.eps = 0.0;
        break;
    case 5:
    case 6:
        b.emulated = index == 5 ? NumberType::BF16 : NumberType::F16;
        b.accumulate = NumberType::F32;
        break;
    default:
        // The conventions differ in the momentum's form, its default and the variance fed in
        // (unbiased for PyTorch): the running variance shows all three.
        a.layer = b.layer = Layer::BatchNorm;
        a.convention = Convention::PyTorch;
        b.convention = Convention::Keras;
        setConfiguration(0, a);
        setConfiguration(1, b);
        setQuantity(QStringLiteral("updated_running_var"));
        return;
    }
    setConfiguration(0, a);
    setConfiguration(1, b);
}

void ComparePanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (stale_)
        refresh();
}

void ComparePanel::refresh()
{
    // Two more analyses per edit are wasted while the tab is not shown: done when it is.
    stale_ = !isVisible();
    if (stale_)
        return;
    const Session& session = document_->session();
    const QString id = quantity_->currentData().toString();
    const QByteArray idUtf8 = id.toUtf8();
    const Quantity& q = quantity(std::string_view(idUtf8.constData(), std::size_t(idUtf8.size())));
    const QString rowLabel = q.extent == Extent::PerElement ? QString() : QString::fromStdString(labelWithSymbol(q));
    std::array<std::optional<Matrix>, 2> values;
    for (std::size_t s = 0; s < 2; ++s) {
        Side& side = sides_[s];
        const ConfigurationResult result = runConfiguration(session, side.configuration);
        headings_[s]->setText(QStringLiteral("%1: %2").arg(QString(QLatin1Char("AB"[s])),
                                                           QString::fromStdString(side.configuration.describe(session))));
        side.problem->setVisible(!result.ok());
        const Matrix* picked = result.ok() ? pick(*result.computed, id) : nullptr;
        if (picked) {
            values[s] = *picked;
            models_[s]->setValues(*values[s], rowLabel);
        } else if (result.ok()) {
            side.problem->setVisible(true);
            side.problem->setText(tr("No running statistics on this side: choose a convention above."));
            models_[s]->setValues(Matrix(), rowLabel);
        } else {
            side.problem->setText(tr("Cannot compute: %1").arg(QString::fromStdString(formatProblem(result.problems.front()))));
            models_[s]->setValues(Matrix(), rowLabel);
        }
    }
    headings_[2]->setText(tr("B − A"));
    const auto fit = [this] { fitTables(); };
    if (!values[0] || !values[1]) {
        models_[2]->setValues(Matrix(), rowLabel);
        fit();
        summary_->setText(tr("%1: one side cannot be computed, so there is no difference to show.").arg(label(idUtf8.constData())));
        return;
    }
    const Matrix difference = *values[1] - *values[0];
    const double size = std::max(values[0]->cwiseAbs().maxCoeff(), values[1]->cwiseAbs().maxCoeff());
    models_[2]->setValues(difference, rowLabel, 1e-10 * size);  // the tables' rounding rule
    fit();
    Eigen::Index i = 0, j = 0;
    const double worst = difference.size() ? difference.cwiseAbs().maxCoeff(&i, &j) : 0.0;
    // Rounding is judged at the precision of the less precise side: float32's unit roundoff is
    // 6e-8, so a difference of a few 1e-7 of the largest value is float32 rounding, not a real
    // one; bfloat16's and float16's (2^-8, 2^-11) allow 16 of theirs, as the sums add them up.
    double rounding = 1e-10;
    QString roundingName = tr("rounding");
    for (const Side& side : sides_) {
        const Configuration& c = side.configuration;
        const double level = c.emulated ? 16 * std::ldexp(1.0, -significandBits(*c.emulated))
                             : c.dtype == Dtype::F32 ? 1e-5 : 1e-10;
        if (level > rounding) {
            rounding = level;
            roundingName = c.emulated ? tr("%1 rounding").arg(*c.emulated == NumberType::BF16 ? tr("bfloat16") : tr("float16"))
                                      : tr("float32 rounding");
        }
    }
    summary_->setText(tr("%1: max |B − A| = %2 at i=%3, j=%4 (%5 of the largest |value|, %6)")
                          .arg(label(idUtf8.constData()), QString::number(worst, 'g', 4))
                          .arg(i).arg(j)
                          .arg(size > 0 ? QString::number(worst / size, 'g', 3) : QStringLiteral("0"))
                          .arg(worst <= 1e-10 * size ? tr("rounding")
                               : worst <= rounding * size ? roundingName
                                                          : tr("a real difference")));
}

void ComparePanel::followSelection(MatrixView* from)
{
    const QModelIndex at = from->currentIndex();
    if (!at.isValid())
        return;
    for (MatrixView* view : tables_)
        if (view != from && view->model()->rowCount() > at.row() && view->model()->columnCount() > at.column()) {
            const QSignalBlocker block(view->selectionModel());
            view->setCurrentIndex(view->model()->index(at.row(), at.column()));
            view->viewport()->update();
        }
}

bool ComparePanel::exportTo(const QString& path, QString* error) const
{
    // The tables and the summary, without the empty space the panel keeps below them.
    const int summaryBottom = summary_->mapTo(sheet_, QPoint(0, summary_->height())).y() + 8;
    const QRect area(0, 0, sheet_->width(), std::min(sheet_->height(), summaryBottom));
    return writeWidgetImage(*sheet_, area, path, tr("bnflow comparison"), error);
}

void ComparePanel::chooseAndExport()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the comparison"), QStringLiteral("comparison.png"),
                                                      tr("Images (*.png *.pdf *.svg)"));
    if (path.isEmpty())
        return;
    QString error;
    if (exportTo(path, &error))
        emit message(tr("Comparison written to %1").arg(QDir::toNativeSeparators(path)));
    else
        emit message(error);
}

}  // namespace bnflow::ui
