// One typeset formula (an SVG rendered by MathJax, compiled in from resources/formulas), drawn
// in the theme's text colour and scaled for the lecture mode.
#pragma once

#include <core/layers/layer_spec.h>

#include <QSvgRenderer>
#include <QWidget>

#include <string_view>

namespace bnflow::ui {

class FormulaView : public QWidget {
    Q_OBJECT
public:
    explicit FormulaView(QWidget* parent = nullptr);

    // A formula by its key (formulaKey(), family_catalogue.h): a training batch-norm step's id
    // ("mean") or "<layer>/<step>" ("layernorm/mean"). false when it is missing or broken.
    bool setFormula(const QString& key);
    void setScale(double scale);
    QSvgRenderer* renderer() { return &renderer_; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    const QString& key() const { return key_; }

    // The SVG of a formula key, recoloured (empty when there is none): also used by the handout.
    static QByteArray svgFor(const QString& key, const QColor& colour);
    // The key of the formula a step shows in the session's layer and mode (core formulaKey()):
    // "mean" in training batch norm, "layernorm/mean" in layer norm. A step the layer does not
    // have (a view still walking batch norm's steps) keeps batch norm's formula.
    static QString keyFor(const LayerSpec& spec, std::string_view stepId);

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    QString key_;
    QSvgRenderer renderer_;
    double scale_ = 1.0;
};

}  // namespace bnflow::ui
