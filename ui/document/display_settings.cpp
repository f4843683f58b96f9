#include <document/display_settings.h>

#include <core/io/json_format.h>

#include <QApplication>
#include <QFont>
#include <QStyle>
#include <QPalette>
#include <QSettings>
#include <QStyleFactory>

#include <algorithm>
#include <cmath>

namespace bnflow::ui {
namespace {

QPalette darkPalette()
{
    QPalette p;
    const QColor window(45, 45, 48), base(30, 30, 32), text(230, 230, 230), disabled(130, 130, 130);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(38, 38, 41));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Highlight, QColor(42, 130, 218));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(90, 170, 255));
    p.setColor(QPalette::PlaceholderText, disabled);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    // Fusion etches disabled menu text with Light under it: the light theme's white drew a
    // bright copy of every disabled item, brighter than the enabled ones. A dark-theme Light
    // (bevels) and, when disabled, none at all.
    p.setColor(QPalette::Light, QColor(70, 70, 74));
    p.setColor(QPalette::Disabled, QPalette::Light, window);
    return p;
}

QColor blend(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() + t * (b.redF() - a.redF())),
                            float(a.greenF() + t * (b.greenF() - a.greenF())),
                            float(a.blueF() + t * (b.blueF() - a.blueF())));
}

}  // namespace

void DisplaySettings::setSignificantDigits(int digits)
{
    digits = std::clamp(digits, 2, 17);
    if (digits == digits_)
        return;
    digits_ = digits;
    emit changed();
}

void DisplaySettings::setTheme(Theme theme)
{
    theme_ = theme;
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(theme == Theme::Dark ? darkPalette()
                                                  : QApplication::style()->standardPalette());
    emit changed();
}

void DisplaySettings::setFontPointSize(int points)
{
    fontPointSize_ = std::clamp(points, 7, 32);
    QFont font = QApplication::font();
    font.setPointSize(fontPointSize_);
    QApplication::setFont(font);
    emit changed();
}

void DisplaySettings::setAnimateGraph(bool animate)
{
    if (animate == animateGraph_)
        return;
    animateGraph_ = animate;
    emit changed();
}

QString DisplaySettings::format(double value) const
{
    // -0.0 (a product with an exact 0, such as dμ via σ²) is shown as 0: the sign of a zero is
    // not something a reader should have to explain. JSON and CSV keep it.
    return QString::number(value == 0 ? 0.0 : value, 'g', digits_);
}

QString DisplaySettings::widestNumber() const
{
    // 'g' at d digits: at most sign, d digits, a point and a three-digit exponent ("-1.234e-300")
    // or a small fixed number ("-0.0001234"); the first is never shorter.
    return QStringLiteral("-8.") + QString(digits_ - 1, QLatin1Char('8')) + QStringLiteral("e-888");
}

QString DisplaySettings::fullPrecision(double value)
{
    return QString::fromStdString(json::shortest(value));
}

QColor DisplaySettings::divergingColour(double t) const
{
    const QColor base = QApplication::palette().color(QPalette::Base);
    const QColor end = t >= 0 ? QColor(178, 24, 43) : QColor(33, 102, 172);
    return blend(base, end, std::min(1.0, std::abs(t)) * 0.85);
}

QColor DisplaySettings::textOn(const QColor& background) const
{
    return background.lightnessF() < 0.5 ? QColor(Qt::white) : QColor(Qt::black);
}

void DisplaySettings::load()
{
    QSettings settings;
    setSignificantDigits(settings.value(QStringLiteral("display/digits"), 4).toInt());
    setFontPointSize(settings.value(QStringLiteral("display/fontPointSize"),
                                    QApplication::font().pointSize() > 0
                                        ? QApplication::font().pointSize() : 10).toInt());
    setAnimateGraph(settings.value(QStringLiteral("display/animateGraph"), true).toBool());
    setTheme(settings.value(QStringLiteral("display/theme")).toString() == QLatin1String("dark")
                 ? Theme::Dark : Theme::Light);
}

void DisplaySettings::save() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("display/digits"), digits_);
    settings.setValue(QStringLiteral("display/fontPointSize"), fontPointSize_);
    settings.setValue(QStringLiteral("display/animateGraph"), animateGraph_);
    settings.setValue(QStringLiteral("display/theme"),
                      theme_ == Theme::Dark ? QStringLiteral("dark") : QStringLiteral("light"));
}

}  // namespace bnflow::ui
