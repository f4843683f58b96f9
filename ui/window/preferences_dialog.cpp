#include <window/preferences_dialog.h>

#include <document/display_settings.h>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QSpinBox>

namespace bnflow::ui {

PreferencesDialog::PreferencesDialog(DisplaySettings* display, QWidget* parent)
    : QDialog(parent), display_(display)
{
    setWindowTitle(tr("Preferences"));
    digits_ = new QSpinBox(this);
    digits_->setRange(2, 17);
    digits_->setValue(display->significantDigits());
    digits_->setToolTip(tr("Hover a cell for all 17 digits whatever this says"));
    theme_ = new QComboBox(this);
    theme_->addItem(tr("Light"), int(Theme::Light));
    theme_->addItem(tr("Dark"), int(Theme::Dark));
    theme_->setCurrentIndex(display->theme() == Theme::Dark ? 1 : 0);
    fontSize_ = new QSpinBox(this);
    fontSize_->setRange(7, 32);
    fontSize_->setSuffix(tr(" pt"));
    fontSize_->setValue(display->fontPointSize());

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        apply();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* form = new QFormLayout(this);
    form->addRow(tr("Significant digits"), digits_);
    form->addRow(tr("Theme"), theme_);
    form->addRow(tr("Font size"), fontSize_);
    form->addRow(buttons);
}

void PreferencesDialog::apply()
{
    display_->setSignificantDigits(digits_->value());
    display_->setTheme(Theme(theme_->currentData().toInt()));
    display_->setFontPointSize(fontSize_->value());
    display_->save();
}

}  // namespace bnflow::ui
