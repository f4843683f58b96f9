// Edit > Preferences: significant digits, light or dark theme, font size.
#pragma once

#include <QDialog>

class QComboBox;
class QSpinBox;

namespace bnflow::ui {

class DisplaySettings;

class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    PreferencesDialog(DisplaySettings* display, QWidget* parent = nullptr);
    void apply();  // pushes the dialog's values into the settings and saves them

private:
    DisplaySettings* display_;
    QSpinBox* digits_;
    QComboBox* theme_;
    QSpinBox* fontSize_;
};

}  // namespace bnflow::ui
