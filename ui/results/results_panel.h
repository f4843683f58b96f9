// The output side: forward values and gradients, staged beside fused, with their difference.
#pragma once

#include <QWidget>

class QLabel;

namespace bnflow::ui {

class CellFocus;
class DisplaySettings;
class MatrixView;
class SessionDocument;

class ResultsPanel : public QWidget {
    Q_OBJECT
public:
    ResultsPanel(const SessionDocument* document, const DisplaySettings* display,
                 CellFocus* focus, QWidget* parent = nullptr);
    // The views by name: "forward", "xhat", "y", "gradients", "dx_staged", "dx_fused", "dx_diff".
    MatrixView* view(const QString& name) const;

private:
    void refresh();

    const SessionDocument* document_;
    QLabel* heading_;
    QLabel* problem_;
    QLabel* notices_;
};

}  // namespace bnflow::ui
