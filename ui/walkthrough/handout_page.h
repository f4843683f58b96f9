// What both handouts (batch norm's, handout.cpp, and the family's, family_handout.cpp) draw a
// page with: A4 at kDpi with kMargin on the left, rich text in a column, and a quantity's values
// as an HTML table.
#pragma once

#include <types.h>

#include <QString>

#include <functional>
#include <string_view>

class QPainter;

namespace bnflow::ui {

class DisplaySettings;

namespace handout {

constexpr int kDpi = 150;
constexpr double kMargin = 90;  // px at kDpi, about 15 mm

inline QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

// Draws rich text into a column of width `width` at y; returns the y below it.
double drawText(QPainter& p, const QString& html, double y, double width, double pointSize);

// The values as an HTML table of at most maxRows rows; a cell for which hidden(i, j) is true
// is "?" (the handout of a locked exercise must not give its answers away).
QString valuesTable(const Eigen::Map<const Matrix>& m, const DisplaySettings& display, int maxRows,
                    const std::function<bool(int, int)>& hidden = {});

}  // namespace handout
}  // namespace bnflow::ui
