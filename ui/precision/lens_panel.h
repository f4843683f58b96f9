// The precision lens on the Results tab: the choice of type and sums, the presets, and when it
// is on, the overflow named, the errors grad --precision prints, and a table of every input's
// and step's error against float64 with the step where the error is born marked.
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;
class QToolButton;

namespace bnflow::ui {

class LensState;

class LensPanel : public QWidget {
    Q_OBJECT
public:
    LensPanel(LensState* lens, QWidget* parent = nullptr);

    QComboBox* typeBox() const { return type_; }
    QComboBox* accumulateBox() const { return accumulate_; }
    QTableWidget* table() const { return table_; }
    QLabel* summary() const { return summary_; }
    QLabel* overflow() const { return overflow_; }
    QToolButton* presets() const { return presets_; }
    // What to look for in the preset just opened (examples()' lookFor); empty hides it.
    void showNote(const QString& note);
    // An example was just opened: its note, and for a preset of the lens the lens it shows.
    // Returns whether it was such a preset (the window then shows the Results tab).
    bool showExample(int exampleIndex);

signals:
    void presetRequested(int exampleIndex);  // an index of examples()

private:
    void choose();   // the combo boxes into the lens
    void refresh();  // the lens's setting and report into the widgets

    LensState* lens_;
    QComboBox* type_;
    QComboBox* accumulate_;
    QToolButton* presets_;
    QLabel* note_;
    QLabel* overflow_;
    QLabel* summary_;
    QTableWidget* table_;
    QWidget* body_;  // shown while the lens is on
};

}  // namespace bnflow::ui
