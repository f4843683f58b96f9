// A part of a widget as it is drawn now, written as PNG (its pixels), PDF (a page of its size in
// points, vector text) or SVG, by the file name's extension: painted in memory first, then
// written whole or not at all (files/atomic_write.h).
#pragma once

#include <QRect>
#include <QString>

class QWidget;

namespace bnflow::ui {

// `area` in the widget's coordinates; `title` goes into the PDF's and the SVG's metadata. On
// failure false and the one-line message naming the file.
bool writeWidgetImage(QWidget& widget, const QRect& area, const QString& path,
                      const QString& title, QString* error);

}  // namespace bnflow::ui
