// The key to the result tables' colours: blue negative, red positive, strength by size against
// the largest value of the same quantity, and pale for rounding noise.
#pragma once

#include <QWidget>

namespace bnflow::ui {

class DisplaySettings;

class ColourKey : public QWidget {
    Q_OBJECT
public:
    explicit ColourKey(const DisplaySettings* display, QWidget* parent = nullptr);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

    // The same words as the tooltip, for the Help sheet.
    static QString explanation();

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    const DisplaySettings* display_;
};

}  // namespace bnflow::ui
