// The derivation, step by step, on the user's own numbers: the typeset formula, what it means,
// the formula with one feature's numbers plugged in, the step's values, and the graph.
#pragma once

#include <core/teach/catalogue.h>

#include <QWidget>

#include <vector>

class QLabel;
class QListWidget;
class QSlider;
class QSpinBox;
class QBoxLayout;
class QHBoxLayout;
class QSplitter;
class QVBoxLayout;

namespace bnflow::ui {

class CellFocus;
class DisplaySettings;
class FormulaView;
class GraphView;
class LensState;
class WalkthroughLens;
class MatrixModel;
class MatrixView;
class SessionDocument;
class WalkthroughState;

class WalkthroughPanel : public QWidget {
    Q_OBJECT
public:
    WalkthroughPanel(SessionDocument* document, WalkthroughState* state,
                     const DisplaySettings* display, CellFocus* focus, QWidget* parent = nullptr);

    GraphView* graph() const { return graph_; }
    FormulaView* formula() const { return formula_; }
    QLabel* plugged() const { return plugged_; }
    // The plugged-in numbers as they read (the label's text keeps each number on one line with
    // invisible joiners, whole_numbers.h).
    QString pluggedText() const;
    MatrixView* values() const { return values_; }
    QString stepTitle() const;
    void setLectureScale(double scale);  // lecture mode: larger formula and text
    // Puts the keyboard focus in the panel (its step list), so that the stepping keys step
    // right after the tab was switched to, by mouse or by Alt+W (the tab bar would take them).
    void takeKeyboardFocus();
    double lectureScale() const { return scale_; }
    // Presenting: only the formula, the numbers and the graph; the step list and table hide.
    void setPresenting(bool presenting);
    // A widget shown under the plugged-in numbers (the student's values beside the right ones).
    void addBelowNumbers(QWidget* widget);
    // The precision lens (walkthrough_lens.h): while it is on, the step where the error is born
    // (or the type overflows) is marked in the step list, and each step says its error.
    void setLens(const LensState* lens);
    QLabel* lensNote() const { return lensNote_; }
    // Whether the step list marks this row as where the error is born.
    bool isMarkedBirth(int row) const;

protected:
    void resizeEvent(QResizeEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;  // the graph's splitter resized
    // The batch shows the current statistic's set while the walkthrough is on screen only.
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

signals:
    void blankRequested();

private:
    void refresh();
    QWidget* buildNavigation();
    // The step list of the session's layer and mode (core steps(layer, mode)).
    const std::vector<Step>& layerSteps() const;
    void fillSteps();
    // When the session's layer or mode changed: the walkthrough steps through its own list.
    void followLayer();
    // When the current step is a statistic of a set (mean, var, rrms, ...), selects its set of
    // the walkthrough's sample and feature in the shared focus, for the batch editor to show;
    // otherwise takes back what it selected.
    void selectStatistic();
    // A cell of the values table clicked: for a statistic, its set becomes the selected one.
    void pickSet(const QModelIndex& index);
    // Another layer's step: its value at the selected set (a statistic) or cell, one line.
    QString familyPluggedIn(const Step& step) const;
    QString familyNumbers(const Step& step) const;

    SessionDocument* document_;
    WalkthroughState* state_;
    const DisplaySettings* display_;
    CellFocus* focus_;
    QListWidget* steps_;
    QLabel* title_;
    QSpinBox* feature_;
    QSpinBox* sample_;  // shown for the layers with a statistic per sample
    QSlider* slider_;
    FormulaView* formula_;
    QLabel* meaning_;
    QLabel* plugged_;
    MatrixView* values_;
    MatrixModel* valuesModel_;
    GraphView* graph_;
    QVBoxLayout* column_;  // navigation, then the body
    QBoxLayout* body_;     // the text above (or, presenting on a landscape screen, beside) the graph
    QHBoxLayout* top_;     // the text, and on a wide pane the values beside it
    QSplitter* lower_;     // the values (on a narrow pane) above the graph
    QVBoxLayout* text_;    // formula, meaning, numbers (and what addBelowNumbers() adds)
    bool presenting_ = false;
    void arrangeBody();
    void fitStepList();  // the step list as wide as its names where there is room
    void fitValues();    // the values table as tall as its rows
    int valuesWidth() const;  // the values table with every column of the session's widest (D) table
    int besideSteps() const;  // the width beside the step list
    void giveValuesTheirRows();  // in the splitter above the graph: the rows, the graph the rest
    double scale_ = 1.0;
    int framedFeature_ = 0;  // the feature last framed through the shared CellFocus
    QString selectedStatistic_;  // the statistic this panel selected in the focus, if any
    QLabel* lensNote_ = nullptr;
    WalkthroughLens* lens_ = nullptr;  // while a lens is set
};

}  // namespace bnflow::ui
