#include <editors/parameter_panel.h>

#include <editors/layer_panel.h>

#include <document/display_settings.h>
#include <document/session_document.h>
#include <tables/result_models.h>
#include <tables/editable_model.h>

#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSlider>
#include <QVBoxLayout>

#include <cmath>

namespace bnflow::ui {
namespace {

constexpr int kSliderScale = 100;   // gamma and beta sliders move in steps of 0.01 ...
constexpr double kSliderRange = 3;  // ... between -3 and 3; the fields take any finite double

// A field, not a spin box: a spin box rounds to its decimals and clamps to its range (beta =
// 1e308 showed 1000.000, 1.23456 became 1.235). Committed on Return or focus out.
QLineEdit* parameterBox(QWidget* parent, const QString& tip)
{
    auto* box = new QLineEdit(parent);
    box->setAlignment(Qt::AlignRight);
    box->setMinimumWidth(box->fontMetrics().horizontalAdvance(QStringLiteral("-0.000000")) + 12);
    box->setMaximumWidth(box->fontMetrics().horizontalAdvance(QStringLiteral("-1.2345678e-300")) + 12);
    box->setToolTip(tip + QObject::tr(": any finite number, kept and shown exactly"));
    return box;
}

// The document's value, unless the user is typing into the field (modified since last shown).
void showText(QLineEdit* field, const QString& text)
{
    if (!field->isModified() && field->text() != text) {
        field->setText(text);
        field->setCursorPosition(0);
    }
}

QSlider* parameterSlider(QWidget* parent)
{
    auto* slider = new QSlider(Qt::Horizontal, parent);
    slider->setRange(int(-kSliderRange * kSliderScale), int(kSliderRange * kSliderScale));
    slider->setMinimumWidth(50);
    return slider;
}

// Touches only what changed: an unchanged widget is not repainted on every edit.
void showValue(QLineEdit* box, QSlider* slider, double value)
{
    const QSignalBlocker blockSlider(slider);
    showText(box, DisplaySettings::fullPrecision(value));
    const int position = int(std::lround(std::clamp(value, -kSliderRange, kSliderRange) * kSliderScale));
    if (slider->value() != position)
        slider->setValue(position);
}

}  // namespace

double ParameterPanel::epsFromSlider(int position)
{
    return std::pow(10.0, position / 10.0);
}

int ParameterPanel::sliderFromEps(double eps)
{
    return eps > 0 ? std::clamp(int(std::lround(10 * std::log10(eps))), -80, -10) : -80;
}

ParameterPanel::ParameterPanel(SessionDocument* document, QWidget* parent)
    : QWidget(parent), document_(document)
{
    gammaBetaBox_ = new QGroupBox(tr("gamma and beta, per feature"), this);
    auto* gammaBetaBox = gammaBetaBox_;
    gammaBetaBox->setToolTip(tr("y = gamma * xhat + beta. Drag a slider or type a value."));
    featureArea_ = new QWidget;
    featureGrid_ = new QGridLayout(featureArea_);
    featureGrid_->setContentsMargins(2, 2, 2, 2);
    auto* scroll = new QScrollArea(gammaBetaBox);
    scroll->setWidget(featureArea_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* resetGamma = new QPushButton(tr("gamma = 1"), gammaBetaBox);
    resetGamma->setToolTip(tr("Reset every gamma to 1"));
    auto* resetBeta = new QPushButton(tr("beta = 0"), gammaBetaBox);
    resetBeta->setToolTip(tr("Reset every beta to 0"));
    connect(resetGamma, &QPushButton::clicked, document_, &SessionDocument::resetGamma);
    connect(resetBeta, &QPushButton::clicked, document_, &SessionDocument::resetBeta);
    auto* resets = new QHBoxLayout;
    resets->addWidget(resetGamma);
    resets->addWidget(resetBeta);
    resets->addStretch();
    auto* boxLayout = new QVBoxLayout(gammaBetaBox);
    boxLayout->addWidget(scroll, 1);
    boxLayout->addLayout(resets);

    auto* layerBox = new QGroupBox(tr("normalization"), this);
    layerBox->setToolTip(tr("Which normalization, and its keys"));
    layerPanel_ = new LayerPanel(document_, layerBox);
    (new QVBoxLayout(layerBox))->addWidget(layerPanel_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(layerBox);
    layout->addWidget(buildEps());
    layout->addWidget(gammaBetaBox, 1);
    connect(document_, &SessionDocument::resultsChanged, this, &ParameterPanel::refresh);
    refresh();
}

QWidget* ParameterPanel::buildEps()
{
    auto* box = new QGroupBox(tr("eps"), this);
    box->setToolTip(tr("Added to the variance before the square root: keeps 1/sqrt(var + eps) "
                       "finite for (nearly) constant features."));
    epsSlider_ = new QSlider(Qt::Horizontal, box);
    epsSlider_->setRange(-80, -10);
    epsSlider_->setToolTip(tr("Log scale, 1e-8 to 1e-1"));
    epsEdit_ = new QLineEdit(box);
    epsEdit_->setMaximumWidth(90);
    epsEdit_->setToolTip(tr("Any number >= 0; 0 is allowed while no feature is constant"));
    connect(epsSlider_, &QSlider::valueChanged, this,
            [this](int position) { document_->setEps(epsFromSlider(position), true); });
    connect(epsEdit_, &QLineEdit::editingFinished, this, &ParameterPanel::commitEpsText);

    const auto preset = [this, box](const QString& text, double value, const QString& tip) {
        auto* b = new QPushButton(text, box);
        b->setToolTip(tip);
        connect(b, &QPushButton::clicked, this, [this, value] { document_->setEps(value); });
        return b;
    };
    auto* row = new QHBoxLayout;
    row->addWidget(epsSlider_, 1);
    row->addWidget(epsEdit_);
    auto* presets = new QHBoxLayout;
    presets->addWidget(preset(tr("1e-5 PyTorch"), 1e-5, tr("PyTorch's default (also the reset value)")));
    presets->addWidget(preset(tr("1e-3 Keras"), 1e-3, tr("Keras' default")));
    presets->addWidget(preset(tr("Reset"), 1e-5, tr("Back to 1e-5")));
    presets->addStretch();
    auto* layout = new QVBoxLayout(box);
    layout->addLayout(row);
    layout->addLayout(presets);
    return box;
}

void ParameterPanel::commitEpsText()
{
    const std::optional<double> value = parseNumber(epsEdit_->text());
    if (!value || *value < 0)
        document_->refuse(tr("eps: '%1' is not a number >= 0; eps stays %2")
                              .arg(epsEdit_->text().left(40))
                              .arg(document_->session().eps));
    else if (*value != document_->session().eps)
        document_->setEps(*value);
    // The value kept is shown, never the refused text (nor the typed spelling of the value).
    epsEdit_->setModified(false);
    refresh();
}

void ParameterPanel::commitParameterText(QLineEdit* field, bool gamma, int feature)
{
    const char* name = gamma ? "gamma" : "beta";
    const RowVector& values = gamma ? document_->session().gamma : document_->session().beta;
    if (feature >= values.size())
        return;
    const double kept = values[feature];
    const std::optional<double> value = parseNumber(field->text());
    if (!value)
        document_->refuse(tr("%1[%2]: '%3' is not a finite number; it stays %4")
                              .arg(QLatin1String(name)).arg(feature).arg(field->text().left(40))
                              .arg(DisplaySettings::fullPrecision(kept)));
    else if (*value != kept)
        gamma ? document_->setGamma(feature, *value) : document_->setBeta(feature, *value);
    field->setModified(false);
    refresh();
}

void ParameterPanel::rebuildFeatureRows()
{
    while (QLayoutItem* item = featureGrid_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    rows_.clear();
    // One row per feature, or per channel in a spatial session (gamma and beta have C numbers).
    const Session& s = document_->session();
    const bool spatial = s.norm.positions(s.features()) > 1;
    featureGrid_->addWidget(new QLabel(spatial ? tr("channel") : tr("feature")), 0, 0);
    featureGrid_->addWidget(new QLabel(tr("gamma")), 0, 1);
    featureGrid_->addWidget(new QLabel(tr("beta")), 0, 2);
    for (int j = 0; j < int(s.gamma.size()); ++j) {
        FeatureRow row{parameterBox(featureArea_, tr("gamma[%1]").arg(j)), parameterSlider(featureArea_),
                       parameterBox(featureArea_, tr("beta[%1]").arg(j)), parameterSlider(featureArea_)};
        // Each slider sits under its spin box: two narrow columns instead of four.
        featureGrid_->addWidget(new QLabel((spatial ? QStringLiteral("c=%1") : QStringLiteral("j=%1")).arg(j)), 2 * j + 1, 0);
        featureGrid_->addWidget(row.gamma, 2 * j + 1, 1);
        featureGrid_->addWidget(row.gammaSlider, 2 * j + 2, 1);
        featureGrid_->addWidget(row.beta, 2 * j + 1, 2);
        featureGrid_->addWidget(row.betaSlider, 2 * j + 2, 2);
        connect(row.gamma, &QLineEdit::editingFinished, this,
                [this, j, field = row.gamma] { commitParameterText(field, true, j); });
        connect(row.beta, &QLineEdit::editingFinished, this,
                [this, j, field = row.beta] { commitParameterText(field, false, j); });
        connect(row.gammaSlider, &QSlider::valueChanged, this,
                [this, j](int p) { document_->setGamma(j, double(p) / kSliderScale); });
        connect(row.betaSlider, &QSlider::valueChanged, this,
                [this, j](int p) { document_->setBeta(j, double(p) / kSliderScale); });
        rows_.push_back(row);
    }
    featureGrid_->setRowStretch(2 * int(rows_.size()) + 1, 1);
}

void ParameterPanel::refresh()
{
    const Session& s = document_->session();
    const bool spatial = s.norm.positions(s.features()) > 1;
    if (int(rows_.size()) != int(s.gamma.size()) || spatial != spatialRows_) {
        spatialRows_ = spatial;
        gammaBetaBox_->setTitle(spatial ? tr("gamma and beta, per channel") : tr("gamma and beta, per feature"));
        rebuildFeatureRows();
    }
    for (std::size_t j = 0; j < rows_.size(); ++j) {
        showValue(rows_[j].gamma, rows_[j].gammaSlider, s.gamma[Eigen::Index(j)]);
        showValue(rows_[j].beta, rows_[j].betaSlider, s.beta[Eigen::Index(j)]);
    }
    const QSignalBlocker blockSlider(epsSlider_);
    if (epsSlider_->value() != sliderFromEps(s.eps))
        epsSlider_->setValue(sliderFromEps(s.eps));
    showText(epsEdit_, QString::number(s.eps, 'g', 6));
}

}  // namespace bnflow::ui
