#include <window/derivation_dialog.h>

#include <QDialogButtonBox>
#include <QFile>
#include <QTextBrowser>
#include <QVBoxLayout>

// Q_INIT_RESOURCE cannot be used inside a namespace; the library is static, so its resources
// must be registered explicitly.
static void initDocResources()
{
    Q_INIT_RESOURCE(doc);
}

namespace bnflow::ui {

DerivationDialog::DerivationDialog(QWidget* parent) : QDialog(parent)
{
    static const bool registered = (initDocResources(), true);
    Q_UNUSED(registered);
    setWindowTitle(tr("The derivation — bnflow"));
    browser_ = new QTextBrowser(this);
    browser_->setOpenExternalLinks(true);
    QFile file(QStringLiteral(":/doc/derivation.md"));
    if (file.open(QIODevice::ReadOnly | QIODevice::Text))
        browser_->setMarkdown(QString::fromUtf8(file.readAll()));
    else
        browser_->setPlainText(tr("The derivation is missing from this build (:/doc/derivation.md)."));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(browser_);
    layout->addWidget(buttons);
    resize(820, 640);
}

}  // namespace bnflow::ui
