#include "check_panel.h"

#include "error_heatmap.h"

#include <document/session_document.h>
#include <core/teach/catalogue.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace bnflow::ui {
namespace {

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

QString number(double value)
{
    return std::isfinite(value) ? QString::number(value, 'g', 3) : QStringLiteral("not finite");
}

// For a float32 answer: how much of its error float32 itself explains, i.e. bnflow's own float32
// computation of the session against the float64 reference.
QString float32Note(const TensorVerdict& t)
{
    if (!t.float32)
        return {};
    if (!std::isfinite(t.float32Error))
        return QObject::tr("; float32 overflows on this session, so the float64 yardstick applies");
    if (t.float32Error <= 0)
        return QObject::tr("; bnflow's own float32 run is exact here");
    return QObject::tr("; bnflow's own float32 run is off by %1, so float32 explains %2 of your error "
                       "(close up to %3)")
        .arg(number(t.float32Error),
             t.maxScaledError > 0 ? QStringLiteral("%1%").arg(std::min(100.0, 100 * t.float32Error / t.maxScaledError), 0, 'f', 0)
                                  : QStringLiteral("all"),
             number(t.closeTolerance));
}

QString verdictText(const TensorVerdict& t)
{
    const QString reference = t.float32 ? QObject::tr("float32 answer") : QObject::tr("float64 answer");
    switch (t.status) {
    case TensorStatus::Exact:
        return QObject::tr("%1: exact (scaled error %2, %3)").arg(qs(t.name), number(t.maxScaledError), reference);
    case TensorStatus::Close:
        return QObject::tr("%1: close, within rounding (scaled error %2, %3%4)")
            .arg(qs(t.name), number(t.maxScaledError), reference, float32Note(t));
    case TensorStatus::Wrong: break;
    }
    QStringList names;
    for (const Mistake* m : t.diagnosis)
        names << qs(m->title);
    return QObject::tr("%1: wrong; max |error| %2 (scaled %3) at [%4, %5], %6%7%8")
        .arg(qs(t.name), number(t.maxAbsError), number(t.maxScaledError))
        .arg(t.worstRow)
        .arg(t.worstCol)
        .arg(reference, float32Note(t),
             names.isEmpty() ? QString() : QObject::tr(" — matches %1").arg(names.join(QStringLiteral(", "))));
}

}  // namespace

CheckPanel::CheckPanel(const SessionDocument* document, QWidget* parent)
    : QWidget(parent), document_(document)
{
    setAcceptDrops(true);
    auto* buttons = new QHBoxLayout;
    for (const auto& [which, label] : {std::pair{"dx", tr("Load d&x...")},
                                       std::pair{"dgamma", tr("Load dgamma...")},
                                       std::pair{"dbeta", tr("Load dbeta...")},
                                       std::pair{"npz", tr("Load .np&z...")}}) {
        auto* button = new QPushButton(label, this);
        button->setObjectName(QStringLiteral("load_%1").arg(which));
        connect(button, &QPushButton::clicked, this, [this, w = QString(which)] { chooseFile(w); });
        buttons->addWidget(button);
    }
    auto* clearButton = new QPushButton(tr("Clear"), this);
    connect(clearButton, &QPushButton::clicked, this, &CheckPanel::clear);
    buttons->addWidget(clearButton);
    textFloat32_ = new QCheckBox(tr("CSV/JSON numbers are float&32"), this);
    textFloat32_->setObjectName(QStringLiteral("text_float32"));
    textFloat32_->setToolTip(tr("Your .csv, .tsv or .json numbers were computed in float32: judge them with "
                                "bnflow's own float32 rounding as the yardstick (an .npy says its dtype itself)"));
    connect(textFloat32_, &QCheckBox::toggled, this, &CheckPanel::refresh);
    buttons->addStretch();

    filesLabel_ = new QLabel(this);
    filesLabel_->setWordWrap(true);
    problem_ = new QLabel(this);
    problem_->setStyleSheet(QStringLiteral("QLabel { color: #b2182b; font-weight: bold; }"));
    problem_->setWordWrap(true);
    auto* verdictBox = new QVBoxLayout;
    reference_ = new QLabel(this);
    reference_->setObjectName(QStringLiteral("reference"));
    reference_->setWordWrap(true);
    verdictBox->addWidget(reference_);
    for (QLabel*& label : verdicts_) {
        label = new QLabel(this);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setWordWrap(true);
        verdictBox->addWidget(label);
    }
    heatmapTensor_ = new QComboBox(this);
    heatmap_ = new ErrorHeatmap(this);
    connect(heatmapTensor_, &QComboBox::currentIndexChanged, this, &CheckPanel::showHeatmap);
    auto* heatmapRow = new QHBoxLayout;
    heatmapRow->addWidget(new QLabel(tr("Error of"), this));
    heatmapRow->addWidget(heatmapTensor_);
    heatmapRow->addStretch();

    diagnosis_ = new QListWidget(this);
    explanation_ = new QLabel(this);
    explanation_->setWordWrap(true);
    explanation_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    showStep_ = new QPushButton(tr("Show in &walkthrough"), this);
    showStep_->setEnabled(false);
    connect(diagnosis_, &QListWidget::currentRowChanged, this, &CheckPanel::showExplanation);
    connect(showStep_, &QPushButton::clicked, this, [this] {
        const int row = diagnosis_->currentRow();
        if (result_ && row >= 0 && row < int(result_->diagnosis.size()))
            emit showStep(stepIndex(result_->diagnosis[std::size_t(row)]->step));
    });
    auto* diagnosisBox = new QGroupBox(tr("Known mistakes your result matches"), this);
    auto* diagnosisLayout = new QVBoxLayout(diagnosisBox);
    // A few matches at most: the list stays short and the heatmap gets the room.
    diagnosis_->setMaximumHeight(6 * diagnosis_->fontMetrics().height());
    diagnosisLayout->addWidget(diagnosis_);
    diagnosisLayout->addWidget(explanation_);
    diagnosisLayout->addWidget(showStep_, 0, Qt::AlignLeft);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(textFloat32_);
    layout->addWidget(filesLabel_);
    layout->addWidget(problem_);
    layout->addLayout(verdictBox);
    layout->addLayout(heatmapRow);
    layout->addWidget(heatmap_, 1);
    layout->addWidget(diagnosisBox);

    connect(document_, &SessionDocument::resultsChanged, this, &CheckPanel::refresh);
    refresh();
}

int CheckPanel::stepIndex(std::string_view stepId)
{
    const auto& all = steps();
    for (std::size_t k = 0; k < all.size(); ++k)
        if (all[k].id == stepId)
            return int(k);
    return -1;
}

void CheckPanel::loadFile(const QString& path, const QString& which)
{
    QString kind = which;
    if (kind.isEmpty()) {
        // The name's end decides first ("..._dgamma_dbeta_swapped.dx.npy" is a dx).
        const QString stem = QFileInfo(path).completeBaseName().toLower();
        const QString suffix = QFileInfo(path).suffix().toLower();
        kind = suffix == QLatin1String("npz") ? QStringLiteral("npz") : QStringLiteral("dx");
        if (kind != QLatin1String("npz") && !stem.endsWith(QLatin1String("dx"))) {
            if (stem.endsWith(QLatin1String("dgamma")) || (!stem.endsWith(QLatin1String("dbeta")) &&
                                                           stem.contains(QLatin1String("dgamma"))))
                kind = QStringLiteral("dgamma");
            else if (stem.contains(QLatin1String("dbeta")))
                kind = QStringLiteral("dbeta");
        }
    }
    const std::string file = path.toStdString();
    if (kind == QLatin1String("npz")) {
        files_ = StudentFiles{};
        files_.npz = file;
    } else {
        files_.npz.reset();
        (kind == QLatin1String("dgamma") ? files_.dgamma
         : kind == QLatin1String("dbeta") ? files_.dbeta
                                          : files_.dx) = file;
    }
    refresh();
}

void CheckPanel::clear()
{
    files_ = StudentFiles{};
    refresh();
}

QString CheckPanel::problem() const
{
    return problem_->text();
}

QString CheckPanel::verdictLine(int tensor) const
{
    return tensor >= 0 && tensor < 3 ? verdicts_[tensor]->text() : QString();
}

void CheckPanel::chooseFile(const QString& which)
{
    const QString filter = which == QLatin1String("npz")
                               ? tr("NumPy archives (*.npz)")
                               : tr("Arrays (*.npy *.csv *.tsv *.txt *.json);;All files (*)");
    const QString path = QFileDialog::getOpenFileName(this, tr("Your %1").arg(which), {}, filter);
    if (!path.isEmpty())
        loadFile(path, which);
}

void CheckPanel::refresh()
{
    result_.reset();
    student_.reset();
    problem_->clear();
    QStringList given;
    for (const auto& [name, path] :
         {std::pair{"dx", &files_.dx}, std::pair{"dgamma", &files_.dgamma},
          std::pair{"dbeta", &files_.dbeta}, std::pair{"archive", &files_.npz}}) {
        if (*path)
            given << QStringLiteral("%1: %2").arg(
                name, QFileInfo(QString::fromStdString(**path)).fileName());
    }
    filesLabel_->setText(given.isEmpty() ? tr("Drop your dx.npy, dgamma.npy, dbeta.npy or an .npz "
                                              "here (also .csv, .tsv, .json), or load them. Your code's inputs "
                                              "(x, gamma, beta, dout, eps): File > Export session for NumPy (.npz), "
                                              "then np.load.")
                                         : given.join(QStringLiteral("   ")));
    const Session& session = document_->session();
    if (!given.isEmpty() && document_->isComputed()) {  // every layer: core judges against its own staged dx
        const StudentLoad load = loadStudentFiles(files_, session.samples(), session.features(),
                                                session.norm.affineSize(session.features()),
                                                textFloat32_->isChecked() ? Dtype::F32 : Dtype::F64);
        if (!load.ok()) {
            problem_->setText(QString::fromStdString(formatProblem(load.problem)));
        } else {
            CheckOutcome outcome = checkGradients(session, *load.gradients);
            if (outcome.ok()) {
                result_ = std::move(outcome.result);
                student_ = std::move(load.gradients);
            }
            else
                problem_->setText(QString::fromStdString(formatProblem(outcome.problems.front())));
        }
    }
    const QString shownTensor = heatmapTensor_->currentText();
    {
        const QSignalBlocker blocker(heatmapTensor_);
        heatmapTensor_->clear();
        for (int k = 0; k < 3; ++k) {
            const bool has = result_ && k < int(result_->tensors.size());
            verdicts_[k]->setVisible(has);
            verdicts_[k]->setText(has ? verdictText(result_->tensors[std::size_t(k)]) : QString());
            if (has)
                heatmapTensor_->addItem(qs(result_->tensors[std::size_t(k)].name));
        }
        heatmapTensor_->setCurrentIndex(std::max(0, heatmapTensor_->findText(shownTensor)));
    }
    reference_->setText(!result_ ? QString()
                        : result_->float32
                            ? tr("Judged against bnflow's most accurate float64 result; float32 answers are "
                                 "close up to max(1e-5, 4 x the error of bnflow's own float32 run of this session).")
                            : tr("Judged against bnflow's most accurate float64 result (extended precision): "
                                 "exact up to 1e-12, close up to 1e-5 (scaled errors)."));
    reference_->setVisible(result_.has_value());
    showHeatmap();
    diagnosis_->clear();
    if (result_) {
        for (const Mistake* m : result_->diagnosis) {
            // The words; the name (var_path_missing) is the command line's, kept as the data.
            auto* item = new QListWidgetItem(qs(m->title), diagnosis_);
            item->setData(Qt::UserRole, qs(m->name));
        }
        if (!result_->correct && result_->diagnosis.empty())
            explanation_->setText(tr("None of the known mistakes matches: compare your "
                                     "intermediates with the walkthrough, step by step."));
        else if (result_->correct)
            explanation_->setText(tr("Correct: nothing to diagnose."));
    } else {
        explanation_->clear();
    }
    if (diagnosis_->count() > 0)
        diagnosis_->setCurrentRow(0);
    showExplanation();
    emit resultChanged();
}

void CheckPanel::showHeatmap()
{
    const int k = heatmapTensor_->currentIndex();
    if (!result_ || k < 0 || k >= int(result_->tensors.size())) {
        heatmap_->setErrors(Matrix(), 1.0);
        return;
    }
    const TensorVerdict& t = result_->tensors[std::size_t(k)];
    heatmap_->setErrors(t.absError, t.right.size() ? t.right.cwiseAbs().maxCoeff() : 1.0, t.closeTolerance);
}

void CheckPanel::showExplanation()
{
    const int row = diagnosis_->currentRow();
    const bool has = result_ && row >= 0 && row < int(result_->diagnosis.size());
    showStep_->setEnabled(has && stepIndex(result_->diagnosis[std::size_t(row)]->step) >= 0);
    if (!has)
        return;
    const Mistake& m = *result_->diagnosis[std::size_t(row)];
    // The step by the name the walkthrough's step list shows ("dx via var"), not its id.
    explanation_->setText(tr("%1 (the walkthrough's step \u201c%2\u201d)")
                              .arg(qs(m.explanation), qs(quantity(m.step).label)));
}

QString CheckPanel::explanationText() const
{
    return explanation_->text();
}

void CheckPanel::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void CheckPanel::dropEvent(QDropEvent* event)
{
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            loadFile(url.toLocalFile());
    event->acceptProposedAction();
}

}  // namespace bnflow::ui
