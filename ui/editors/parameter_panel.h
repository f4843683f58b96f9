// The layer and its keys (layer_panel.h), gamma and beta per feature (a number field and a slider, linked) and eps on a log scale.
// The fields hold any finite double exactly and show it as the shortest text that reads back
// the same double; Return or leaving the field commits, a refused text is replaced by the value kept.
#pragma once

#include <QWidget>

#include <vector>

class QGroupBox;
class QGridLayout;
class QLineEdit;
class QSlider;

namespace bnflow::ui {

class LayerPanel;
class SessionDocument;

class ParameterPanel : public QWidget {
    Q_OBJECT
public:
    explicit ParameterPanel(SessionDocument* document, QWidget* parent = nullptr);

    LayerPanel* layerPanel() const { return layerPanel_; }
    QLineEdit* epsEdit() const { return epsEdit_; }
    QSlider* epsSlider() const { return epsSlider_; }
    QLineEdit* gammaBox(int feature) const { return rows_.at(std::size_t(feature)).gamma; }
    QLineEdit* betaBox(int feature) const { return rows_.at(std::size_t(feature)).beta; }
    QSlider* gammaSlider(int feature) const { return rows_.at(std::size_t(feature)).gammaSlider; }

    // The eps slider's scale: position p is eps = 10^(p / 10), from 1e-8 to 1e-1.
    static double epsFromSlider(int position);
    static int sliderFromEps(double eps);

private:
    struct FeatureRow {
        QLineEdit* gamma;
        QSlider* gammaSlider;
        QLineEdit* beta;
        QSlider* betaSlider;
    };
    QWidget* buildEps();
    void rebuildFeatureRows();
    void refresh();
    void commitEpsText();
    void commitParameterText(QLineEdit* field, bool gamma, int feature);

    SessionDocument* document_;
    LayerPanel* layerPanel_;
    QLineEdit* epsEdit_;
    QSlider* epsSlider_;
    QWidget* featureArea_;
    QGridLayout* featureGrid_;
    std::vector<FeatureRow> rows_;
    bool spatialRows_ = false;
    QGroupBox* gammaBetaBox_ = nullptr;  // the rows are channels (a spatial session)
};

}  // namespace bnflow::ui
