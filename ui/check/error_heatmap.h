// The student's error over the batch, one cell per entry (rows i = samples, columns j =
// features), coloured by the error divided by the gradient's largest magnitude on a log scale:
// pale up to the tolerance (rounding), then yellow through orange to dark red as the error grows
// to the size of the gradient itself. A colour bar under the cells marks the tolerance.
#pragma once

#include <core/model/types.h>
#include <core/teach/check.h>

#include <QWidget>

namespace bnflow::ui {

class ErrorHeatmap : public QWidget {
    Q_OBJECT
public:
    explicit ErrorHeatmap(QWidget* parent = nullptr);

    // |student - right| per cell, the scale it is divided by (the reference's largest
    // magnitude) and the scaled error up to which an answer is close; an empty matrix clears
    // the map.
    void setErrors(const Matrix& absError, double scale, double tolerance = kCloseScaledError);
    const Matrix& errors() const { return errors_; }
    double tolerance() const { return tolerance_; }

    // The colour of a scaled error: pale greys up to `tolerance`, then log-graded from yellow
    // (just above it) to dark red (1, an error as large as the gradient); not finite: black.
    static QColor colorOf(double scaledError, double tolerance = kCloseScaledError);

    QRectF cellRect(Eigen::Index i, Eigen::Index j) const;  // in widget coordinates
    QRect cellArea() const;    // the cells, right of the i labels and under the j labels
    QRect legendArea() const;  // the colour bar and its labels

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;  // room for the labels and up to 8 rows of text height

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;  // tooltips: the cell's error

private:
    void paintAxes(QPainter& painter) const;
    void paintLegend(QPainter& painter) const;

    Matrix errors_;               // |student - right|, N x D or 1 x D
    double scale_ = 1;            // max |right|
    double tolerance_ = kCloseScaledError;  // scaled error up to which the answer is close
};

}  // namespace bnflow::ui
