// Panes side by side where the width allows, one above the other where it does not: a tab page
// that holds two wide panes (Compare's A and B, Exercise's controls and injected mistake) on a
// laptop, a projector or a 2x screen, without a sideways scroll. Its minimum width is that of
// its widest pane, so the scroll area around a page never has to scroll sideways for it.
#pragma once

#include <QWidget>

class QBoxLayout;

namespace bnflow::ui {

class ReflowBox : public QWidget {
    Q_OBJECT
public:
    explicit ReflowBox(QWidget* parent = nullptr);
    // Side by side, `pane` takes `stretch` shares of the width left over.
    void addPane(QWidget* pane, int stretch = 0);
    bool sideBySide() const;
    QSize minimumSizeHint() const override;
    // For the arrangement `width` gets, not the present one: a parent asks before it resizes.
    bool hasHeightForWidth() const override;
    int heightForWidth(int width) const override;

protected:
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override;

private:
    int sideBySideWidth() const;  // the narrowest width that holds every pane side by side
    void reflow(int width);

    QBoxLayout* box_;
};

}  // namespace bnflow::ui
