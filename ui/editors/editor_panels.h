// The input side of the window: the batch x with its shape actions, and dout with its presets.
#pragma once

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QSpinBox;

namespace bnflow::ui {

class CellFocus;
class DisplaySettings;
class MatrixView;
class SessionDocument;


class BatchPanel : public QWidget {
    Q_OBJECT
public:
    BatchPanel(SessionDocument* document, const DisplaySettings* display, CellFocus* focus,
               QWidget* parent = nullptr);
    MatrixView* view() const { return view_; }
    // Insert/remove sample/feature, at the current cell; for the Edit menu and shortcuts.
    QList<QAction*> shapeActions() const;
    QAction* randomizeAction() const { return randomize_; }

private:
    void showContextMenu(const QPoint& globalPos);
    int currentRow() const;
    int currentColumn() const;
    std::pair<int, int> selectedRows() const;     // first, count
    std::pair<int, int> selectedColumns() const;  // first, count

    SessionDocument* document_;
    MatrixView* view_;
    QAction* addSample_;
    QAction* removeSamples_;
    QAction* addFeature_;
    QAction* removeFeatures_;
    QAction* randomize_;
    QComboBox* distribution_;
    QSpinBox* seed_;
};

class DoutPanel : public QWidget {
    Q_OBJECT
public:
    DoutPanel(SessionDocument* document, const DisplaySettings* display, CellFocus* focus,
              QWidget* parent = nullptr);
    MatrixView* view() const { return view_; }

private:
    void refreshNote();

    SessionDocument* document_;
    MatrixView* view_;
    QSpinBox* seed_;
    QLabel* note_;
};

}  // namespace bnflow::ui
