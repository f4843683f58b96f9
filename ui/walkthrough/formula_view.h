// One typeset formula (an SVG rendered by MathJax, compiled in from resources/formulas), drawn
// in the theme's text colour and scaled for the lecture mode.
#pragma once

#include <QSvgRenderer>
#include <QWidget>

namespace bnflow::ui {

class FormulaView : public QWidget {
    Q_OBJECT
public:
    explicit FormulaView(QWidget* parent = nullptr);

    bool setFormula(const QString& stepId);  // false when the formula is missing or broken
    void setScale(double scale);
    QSvgRenderer* renderer() { return &renderer_; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    // The SVG of a step, recoloured: also used by the handout.
    static QByteArray svgFor(const QString& stepId, const QColor& colour);

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    QString stepId_;
    QSvgRenderer renderer_;
    double scale_ = 1.0;
};

}  // namespace bnflow::ui
