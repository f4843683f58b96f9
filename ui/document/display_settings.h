// How numbers are shown, shared by every view: significant digits, theme, font size, and the
// diverging colour scale. It loads and saves itself in QSettings (load(), save()).
#pragma once

#include <QColor>
#include <QObject>

namespace bnflow::ui {

enum class Theme { Light, Dark };

class DisplaySettings : public QObject {
    Q_OBJECT
public:
    explicit DisplaySettings(QObject* parent = nullptr) : QObject(parent) {}

    int significantDigits() const { return digits_; }
    Theme theme() const { return theme_; }
    int fontPointSize() const { return fontPointSize_; }
    // Whether the walkthrough's graph animates the gradient along its edges when stepping.
    bool animateGraph() const { return animateGraph_; }

    void setSignificantDigits(int digits);  // clamped to 2..17
    void setTheme(Theme theme);              // also restyles the application
    void setFontPointSize(int points);       // clamped to 7..32; also sets the application font
    void setAnimateGraph(bool animate);

    QString format(double value) const;  // with the chosen digits
    QString widestNumber() const;        // the longest text format() can produce: sizes columns
    static QString fullPrecision(double value);  // shortest text that reads back the same double

    // Diverging scale (ColorBrewer RdBu ends, colour-blind safe): t in [-1, 1], blended into
    // the theme's base colour; sign by hue, magnitude by strength.
    QColor divergingColour(double t) const;
    QColor textOn(const QColor& background) const;

    void load();  // from QSettings
    void save() const;

signals:
    void changed();

private:
    int digits_ = 4;
    Theme theme_ = Theme::Light;
    int fontPointSize_ = 10;
    bool animateGraph_ = true;
};

}  // namespace bnflow::ui
