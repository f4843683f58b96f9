// gamma and beta per feature (spin box and slider, linked) and eps on a log scale.
#pragma once

#include <QWidget>

#include <vector>

class QDoubleSpinBox;
class QGridLayout;
class QLineEdit;
class QSlider;

namespace bnflow::ui {

class SessionDocument;

class ParameterPanel : public QWidget {
    Q_OBJECT
public:
    explicit ParameterPanel(SessionDocument* document, QWidget* parent = nullptr);

    QLineEdit* epsEdit() const { return epsEdit_; }
    QSlider* epsSlider() const { return epsSlider_; }
    QDoubleSpinBox* gammaBox(int feature) const { return rows_.at(std::size_t(feature)).gamma; }
    QDoubleSpinBox* betaBox(int feature) const { return rows_.at(std::size_t(feature)).beta; }
    QSlider* gammaSlider(int feature) const { return rows_.at(std::size_t(feature)).gammaSlider; }

    // The eps slider's scale: position p is eps = 10^(p / 10), from 1e-8 to 1e-1.
    static double epsFromSlider(int position);
    static int sliderFromEps(double eps);

private:
    struct FeatureRow {
        QDoubleSpinBox* gamma;
        QSlider* gammaSlider;
        QDoubleSpinBox* beta;
        QSlider* betaSlider;
    };
    QWidget* buildEps();
    void rebuildFeatureRows();
    void refresh();
    void commitEpsText();

    SessionDocument* document_;
    QLineEdit* epsEdit_;
    QSlider* epsSlider_;
    QWidget* featureArea_;
    QGridLayout* featureGrid_;
    std::vector<FeatureRow> rows_;
};

}  // namespace bnflow::ui
