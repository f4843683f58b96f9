// View > Precision lens: the lens's type as checkable choices (off, float32, float16, bfloat16),
// kept in step with the lens however it was changed (the Results tab's panel, a preset).
#pragma once

#include <QMenu>

namespace bnflow::ui {

class LensState;

class LensMenu : public QMenu {
    Q_OBJECT
public:
    explicit LensMenu(LensState* lens, QWidget* parent = nullptr);

private:
    LensState* lens_;
};

}  // namespace bnflow::ui
