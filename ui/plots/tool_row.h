// Small pieces of the Plots tab's tool rows (plots_panel.cpp, plots_panel_timing.cpp).
#pragma once

#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QWidget>

namespace bnflow::ui {

inline QSpinBox* spin(int lo, int hi, int value, const QString& suffix, QWidget* parent)
{
    auto* box = new QSpinBox(parent);
    box->setRange(lo, hi);
    box->setValue(value);
    box->setSuffix(suffix);
    return box;
}

// A label and a widget side by side, as one item of a tool row.
inline QWidget* labelled(const QString& text, QWidget* widget, QWidget* parent)
{
    auto* box = new QWidget(parent);
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(text, box));
    row->addWidget(widget);
    return box;
}

}  // namespace bnflow::ui
