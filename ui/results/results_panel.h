// The output side: the session's title, problems and notices, then the forward values and the
// gradients, staged beside fused, the invariants of dx and |fused - staged|; every table a
// quantity of the catalogue.
#pragma once

#include <QWidget>

#include <vector>

class QGridLayout;
class QLabel;

namespace bnflow::ui {

class CellFocus;
class ColourKey;
class DisplaySettings;
class MatrixView;
class SessionDocument;

class ResultsPanel : public QWidget {
    Q_OBJECT
public:
    ResultsPanel(const SessionDocument* document, const DisplaySettings* display,
                 CellFocus* focus, QWidget* parent = nullptr);
    // The views by name: "forward", "gradients", "checks", "statistics" and "set_gradients"
    // (per sample, for the layers that reduce rows), or a quantity id ("xhat", "y", "dx",
    // "fused_dx", "dx_diff").
    MatrixView* view(const QString& name) const;
    // How many columns of tables the width allows (3, 2 or 1); the page scrolls down instead.
    int columns() const;
    // Puts `widget` under the notices, above the tables (the precision lens's panel).
    void addAboveTables(QWidget* widget);

protected:
    bool event(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Frame {
        QWidget* frame;    // the titled box
        MatrixView* view;  // the table in it
    };
    void refresh();
    void showLayer();
    void arrange();

    const SessionDocument* document_;
    QLabel* heading_;
    QLabel* problem_;
    QLabel* notices_;
    ColourKey* key_ = nullptr;
    QGridLayout* grid_ = nullptr;
    std::vector<Frame> frames_;
    MatrixView* statistics_ = nullptr;     // per sample (and group): layer norm, RMSNorm, group norm
    MatrixView* setGradients_ = nullptr;
    bool showChecks_ = true;  // the invariants of dx hold per column: training batch norm only
    int columns_ = 0;
};

}  // namespace bnflow::ui
