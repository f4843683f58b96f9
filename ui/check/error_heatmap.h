// The student's error over the batch, one cell per entry, on a log colour scale: pale where
// the error is float64 rounding, dark red where it is as large as the gradient itself.
#pragma once

#include <core/model/types.h>

#include <QWidget>

namespace bnflow::ui {

class ErrorHeatmap : public QWidget {
    Q_OBJECT
public:
    explicit ErrorHeatmap(QWidget* parent = nullptr);

    // |student - right| per cell and the scale it is divided by (the reference's largest
    // magnitude); an empty matrix clears the map.
    void setErrors(const Matrix& absError, double scale);
    const Matrix& errors() const { return errors_; }

    // The colour of a scaled error: log10 from 1e-16 (pale) to 1 (dark red); not finite: black.
    static QColor colorOf(double scaledError);

    QSize sizeHint() const override { return {360, 200}; }

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;  // tooltips: the cell's error

private:
    QRectF cellRect(Eigen::Index i, Eigen::Index j) const;

    Matrix errors_;      // |student - right|, N x D or 1 x D
    double scale_ = 1;   // max |right|
};

}  // namespace bnflow::ui
