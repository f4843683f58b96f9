#include <precision/lens_panel.h>

#include <document/examples.h>
#include <precision/lens_state.h>
#include <precision/lens_text.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QScrollBar>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace bnflow::ui {
namespace {

constexpr int kTableRows = 8;  // rows shown before the table scrolls

QString dataOf(std::optional<NumberType> type)
{
    return type ? QString::fromLatin1(numberTypeName(*type).data(), qsizetype(numberTypeName(*type).size()))
                : QString();
}

std::optional<NumberType> typeOf(const QVariant& data)
{
    const QByteArray name = data.toString().toLatin1();
    return numberTypeNamed(std::string_view(name.constData(), std::size_t(name.size())));
}

}  // namespace

LensPanel::LensPanel(LensState* lens, QWidget* parent) : QWidget(parent), lens_(lens)
{
    setObjectName(QStringLiteral("lensPanel"));
    type_ = new QComboBox(this);
    type_->setObjectName(QStringLiteral("lensType"));
    type_->addItem(tr("off"), QString());
    for (const NumberType t : {NumberType::F32, NumberType::F16, NumberType::BF16})
        type_->addItem(typeTitle(t), dataOf(t));
    type_->setToolTip(tr("Computes the layer as if every value were stored in this type, each operation rounded "
                         "once to it, and shows each quantity's error against float64. "
                         "The tables keep float64."));
    accumulate_ = new QComboBox(this);
    accumulate_->setObjectName(QStringLiteral("lensAccumulate"));
    accumulate_->addItem(tr("sums in the same type"), QString());
    accumulate_->addItem(tr("sums in float32"), dataOf(NumberType::F32));
    accumulate_->addItem(tr("sums in float64"), dataOf(NumberType::F64));
    accumulate_->setToolTip(tr("The type the sums (the mean, the variance, dgamma, dbeta, ...) run in; each finished "
                               "sum is stored in the lens's type, as mixed-precision kernels do"));
    presets_ = new QToolButton(this);
    presets_->setObjectName(QStringLiteral("lensPresets"));
    presets_->setText(tr("Presets"));
    presets_->setToolTip(tr("The published cases, each opened with the lens that shows it (also in File > Examples)"));
    presets_->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(presets_);
    menu->setToolTipsVisible(true);
    const auto& list = examples();
    for (int k = 0; k < int(list.size()); ++k)
        if (list[std::size_t(k)].lens) {
            QAction* a = menu->addAction(list[std::size_t(k)].title);
            a->setToolTip(list[std::size_t(k)].lookFor);
            a->setStatusTip(list[std::size_t(k)].lookFor);
            connect(a, &QAction::triggered, this, [this, k] { emit presetRequested(k); });
        }
    presets_->setMenu(menu);
    auto* bar = new QHBoxLayout;
    auto* title = new QLabel(tr("<b>Precision lens</b>"), this);
    title->setToolTip(type_->toolTip());
    bar->addWidget(title);
    bar->addWidget(type_);
    bar->addWidget(accumulate_);
    bar->addWidget(presets_);
    bar->addStretch(1);

    note_ = new QLabel(this);
    note_->setObjectName(QStringLiteral("lensNote"));
    note_->setWordWrap(true);
    note_->hide();
    overflow_ = new QLabel(this);
    overflow_->setObjectName(QStringLiteral("lensOverflow"));
    overflow_->setWordWrap(true);
    overflow_->setStyleSheet(QStringLiteral("QLabel { color: white; background: #b2182b; padding: 6px; font-weight: bold; }"));
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("lensSummary"));
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    summary_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    table_ = new QTableWidget(0, 4, this);
    table_->setObjectName(QStringLiteral("lensTable"));
    table_->setHorizontalHeaderLabels({tr("quantity"), tr("error vs float64"), tr("its inputs'"), tr("growth")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->setToolTip(tr("Each quantity's error against float64: max |error| / max |float64 value| (absolute where "
                          "the float64 value is 0 in exact math). Growth: its error over the largest of what it reads. "
                          "The error is born at the first step that multiplies it by more than %1 (and by more than "
                          "%1 roundings of the type), or at the step that overflows.")
                           .arg(kBirthFactor));

    body_ = new QWidget(this);
    auto* columns = new QHBoxLayout(body_);
    columns->setContentsMargins(0, 0, 0, 0);
    columns->addWidget(table_);
    columns->addWidget(summary_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(note_);
    layout->addWidget(overflow_);
    layout->addWidget(body_);

    connect(type_, &QComboBox::currentIndexChanged, this, &LensPanel::choose);
    connect(accumulate_, &QComboBox::currentIndexChanged, this, &LensPanel::choose);
    connect(lens_, &LensState::changed, this, &LensPanel::refresh);
    refresh();
}

void LensPanel::showNote(const QString& note)
{
    note_->setText(tr("<b>What to look for:</b> %1").arg(note.toHtmlEscaped()));
    note_->setVisible(!note.isEmpty());
}

void LensPanel::choose()
{
    lens_->setLens(typeOf(type_->currentData()), typeOf(accumulate_->currentData()));
}

void LensPanel::refresh()
{
    {
        const QSignalBlocker blockType(type_), blockAccumulate(accumulate_);
        type_->setCurrentIndex(std::max(0, type_->findData(dataOf(lens_->type()))));
        accumulate_->setCurrentIndex(std::max(0, accumulate_->findData(dataOf(lens_->accumulate()))));
    }
    accumulate_->setEnabled(lens_->isOn());
    if (!lens_->isOn())
        note_->hide();
    const PrecisionReport* report = lens_->report();
    body_->setVisible(lens_->isOn());
    const QString overflow = report ? overflowMessage(*report) : QString();
    overflow_->setText(overflow);
    overflow_->setVisible(!overflow.isEmpty());
    if (!lens_->isOn())
        return;
    const QString lens = lensTitle(*lens_->type(), lens_->accumulate());
    if (!report) {
        summary_->setText(tr("%1: computing...").arg(lens));
        table_->setRowCount(0);
        return;
    }
    summary_->setText(summaryText(*report, lens));
    table_->setRowCount(int(report->quantities.size()));
    int bornRow = -1;
    for (int row = 0; row < table_->rowCount(); ++row) {
        const QuantityError& q = report->quantities[std::size_t(row)];
        const QString error = errorText(q);
        const QString inputs = !std::isfinite(q.inputError) ? tr("not finite")
                               : q.inputError > 0           ? QString::number(q.inputError, 'e', 2)
                                                            : QStringLiteral("0");
        const QStringList cells{quantityTitle(q.id), error, inputs, growthText(q)};
        for (int c = 0; c < 4; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setTextAlignment(c == 0 ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(q.vanishes ? tr("%1: 0 in exact math; absolute error %2 against float64").arg(typeTitle(report->type), error)
                                        : tr("%1: %2 relative error against float64").arg(typeTitle(report->type), error));
            if (q.afterOverflow)
                item->setToolTip(tr("Computed from %1, which overflowed: its values mean nothing")
                                     .arg(quantityTitle(report->overflow.value_or(q.id))));
            if (q.overflowed || q.afterOverflow) {
                item->setBackground(QColor(q.overflowed ? 0xb2182b : 0xf4a582));
                item->setForeground(q.overflowed ? QColor(Qt::white) : QColor(Qt::black));
            } else if (q.born) {
                item->setBackground(QColor(0xfdb863));
                item->setForeground(QColor(Qt::black));
            }
            if (q.born) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
            }
            table_->setItem(row, c, item);
        }
        if (q.born)
            bornRow = row;
    }
    // Rows as tight as the result tables': the lens must not push them off a laptop's screen.
    const int rowHeight = table_->fontMetrics().height() + 6;
    table_->verticalHeader()->setDefaultSectionSize(rowHeight);
    table_->setFixedHeight(table_->horizontalHeader()->sizeHint().height() + kTableRows * rowHeight + 2 * table_->frameWidth());
    table_->resizeColumnsToContents();
    int width = 2 * table_->frameWidth() + table_->verticalScrollBar()->sizeHint().width();
    for (int c = 0; c < 4; ++c)
        width += table_->columnWidth(c);
    table_->setFixedWidth(width);
    if (bornRow >= 0)
        table_->scrollToItem(table_->item(bornRow, 0), QAbstractItemView::PositionAtCenter);
}

bool LensPanel::showExample(int exampleIndex)
{
    const Example& example = examples().at(std::size_t(exampleIndex));
    showNote(example.lookFor);
    if (!example.lens)
        return false;
    lens_->setLens(example.lens, example.accumulate);
    showNote(example.lookFor);  // the lens was off before: the note follows it
    return true;
}

}  // namespace bnflow::ui
