// FileActions for the Depth tab's network: opening, saving and the lesson networks
// (file_actions.cpp keeps the session's files).
#include <window/file_actions.h>

#include <depth/network_document.h>
#include <depth/network_examples.h>

#include <core/io/file_read.h>
#include <core/io/network_json.h>

#include <QAction>
#include <QFile>
#include <QFileInfo>
#include <QMenu>

namespace bnflow::ui {

bool FileActions::isNetworkFile(const QString& path)
{
    if (path.endsWith(QLatin1String(".bnflow-net.json"), Qt::CaseInsensitive))
        return true;
    // A session may be 64 MiB; a network is at most 1 MiB, so a larger file is not one.
    std::string text;
    return !readRegularFile(QFile::encodeName(path).toStdString(), kMaxNetworkFileBytes, text, "file") &&
           declaresNetwork(text);
}

void FileActions::setNetworkDocument(NetworkDocument* network, std::function<bool()> active)
{
    network_ = network;
    networkIsActive_ = std::move(active);
    examples_->addSeparator();
    QMenu* menu = examples_->addMenu(tr("&Networks (the Depth tab)"));
    menu->setToolTipsVisible(true);
    const auto& list = networkExamples();
    for (int k = 0; k < int(list.size()); ++k) {
        QAction* a = menu->addAction(list[std::size_t(k)].title);
        const QString note = QString::fromStdString(list[std::size_t(k)].file.title);
        a->setStatusTip(note);
        a->setToolTip(note);
        connect(a, &QAction::triggered, this, [this, k] { openNetworkExample(k); });
    }
}

bool FileActions::maybeSaveNetwork()
{
    if (!network_ || !network_->isModified())
        return true;
    const QString name = network_->filePath().isEmpty() ? tr("The network") : QFileInfo(network_->filePath()).fileName();
    switch (askToSave(tr("%1 has unsaved changes. Save them?").arg(name))) {
    case QMessageBox::Save: return saveNetwork(network_->filePath());
    case QMessageBox::Discard: return true;
    default: return false;
    }
}

bool FileActions::openNetwork(const QString& path)
{
    if (!network_ || !maybeSaveNetwork())
        return false;
    QString error;
    if (!network_->open(path, &error)) {
        showError(tr("Cannot open network"), error);
        return false;
    }
    addRecent(path);
    emit networkOpened();
    return true;
}

bool FileActions::saveNetwork(const QString& path)
{
    QString target = path;
    if (target.isEmpty()) {
        const QString suggested = network_->filePath().isEmpty() ? QStringLiteral("network.bnflow-net.json")
                                                                 : network_->filePath();
        target = chooseFile(tr("Save network as"), tr("bnflow networks (*.bnflow-net.json);;All files (*)"), true, suggested);
        if (target.isEmpty())
            return false;
    }
    QString error;
    if (!network_->save(target, &error)) {
        showError(tr("Cannot save network"), error);
        return false;
    }
    addRecent(target);
    emit exported(tr("Saved the network to %1").arg(target));
    return true;
}

void FileActions::openNetworkExample(int index)
{
    const auto& list = networkExamples();
    if (!network_ || index < 0 || index >= int(list.size()) || !maybeSaveNetwork())
        return;
    QString error;
    if (!network_->reset(list[std::size_t(index)].file, {}, &error)) {
        showError(tr("Cannot open network"), error);
        return;
    }
    emit networkOpened();
}

}  // namespace bnflow::ui
