// The output side: the session's title, problems and notices, then the forward values and the
// gradients, staged beside fused, the invariants of dx and |fused - staged|; every table a
// quantity of the catalogue.
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
    // The views by name: "forward", "gradients", "checks", or a quantity id ("xhat", "y", "dx",
    // "fused_dx", "dx_diff").
    MatrixView* view(const QString& name) const;

private:
    void refresh();

    const SessionDocument* document_;
    QLabel* heading_;
    QLabel* problem_;
    QLabel* notices_;
};

}  // namespace bnflow::ui
