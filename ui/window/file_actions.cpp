#include <window/file_actions.h>

#include <depth/network_document.h>
#include <document/examples.h>
#include <document/file_names.h>
#include <document/session_document.h>
#include <files/atomic_write.h>

#include <core/io/session_npz.h>

#include <core/io/csv.h>
#include <core/teach/family_report.h>
#include <core/io/file_read.h>

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMap>
#include <QMenu>
#include <QSettings>
#include <QUrl>
#include <QWidget>

namespace bnflow::ui {
namespace {

constexpr int kMaxRecent = 8;
constexpr std::size_t kMaxCsvBytes = 64u << 20;
const QString kSessionFilter =
    QObject::tr("bnflow sessions and networks (*.bnflow.json *.bnflow-net.json *.json *.npz);;All files (*)");
const QString kCsvFilter = QObject::tr("CSV files (*.csv *.tsv *.txt);;All files (*)");
const QString kNpzFilter = QObject::tr("NumPy archives (*.npz);;All files (*)");

QAction* action(QObject* parent, const QString& text, QKeySequence::StandardKey key, const QString& tip)
{
    auto* a = new QAction(text, parent);
    a->setShortcut(key);
    a->setStatusTip(tip);
    a->setToolTip(tip);
    return a;
}

}  // namespace

FileActions::FileActions(SessionDocument* document, QWidget* window)
    : QObject(window), document_(document), window_(window)
{
    askToSave = [this](const QString& question) {
        return QMessageBox::question(window_, tr("Unsaved changes"), question,
                                     QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                     QMessageBox::Save);
    };
    showError = [this](const QString& title, const QString& message) {
        QMessageBox::warning(window_, title, message);
    };
    chooseFile = [this](const QString& caption, const QString& filter, bool forSaving, const QString& suggested) {
        return forSaving ? QFileDialog::getSaveFileName(window_, caption, suggested, filter)
                         : QFileDialog::getOpenFileName(window_, caption, {}, filter);
    };

    new_ = action(this, tr("&New"), QKeySequence::New, tr("Start again from the small example batch"));
    open_ = action(this, tr("&Open..."), QKeySequence::Open, tr("Open a session file"));
    save_ = action(this, tr("&Save"), QKeySequence::Save, tr("Save the session"));
    saveAs_ = action(this, tr("Save &As..."), QKeySequence::SaveAs, tr("Save the session under a new name"));
    importCsv_ = new QAction(tr("&Import batch from CSV..."), this);
    importCsv_->setStatusTip(tr("Replace x by a table of numbers (comma, tab or semicolon separated)"));
    exportCsv_ = new QAction(tr("&Export results as CSV..."), this);
    exportCsv_->setStatusTip(tr("Every input, forward value and gradient, one value a line"));
    exportNpz_ = new QAction(tr("Export session for &NumPy (.npz)..."), this);
    exportNpz_->setStatusTip(tr("x, gamma, beta, dout, eps and the layer's keys as one np.load-able archive: "
                                "the inputs for your own backward pass"));
    recent_ = new QMenu(tr("Open &Recent"), window);
    examples_ = new QMenu(tr("E&xamples"), window);

    connect(new_, &QAction::triggered, this, [this] {
        if (maybeSave())
            document_->reset(exampleSession());
    });
    connect(open_, &QAction::triggered, this, [this] {
        const QString path = chooseFile(tr("Open session"), kSessionFilter, false, {});
        if (!path.isEmpty())
            openPath(path);
    });
    connect(save_, &QAction::triggered, this, &FileActions::save);
    connect(saveAs_, &QAction::triggered, this, [this] {
        if (networkActive()) {
            saveNetwork({});
            return;
        }
        const QString path = chooseFile(tr("Save session as"), kSessionFilter, true, suggestedSessionPath());
        if (!path.isEmpty())
            saveTo(path);
    });
    connect(importCsv_, &QAction::triggered, this, [this] {
        const QString path = chooseFile(tr("Import batch from CSV"), kCsvFilter, false, {});
        if (!path.isEmpty())
            importCsv(path);
    });
    connect(exportCsv_, &QAction::triggered, this, [this] {
        const QString path = chooseFile(tr("Export results as CSV"), kCsvFilter, true,
                                        suggestedFileName(*document_, QStringLiteral("results"), QStringLiteral("csv")));
        if (!path.isEmpty())
            exportResultsCsv(path);
    });
    connect(exportNpz_, &QAction::triggered, this, [this] {
        const QString path = chooseFile(tr("Export session for NumPy"), kNpzFilter, true,
                                        suggestedFileName(*document_, QStringLiteral("session"), QStringLiteral("npz")));
        if (!path.isEmpty())
            exportSessionNpz(path);
    });
    rebuildRecentMenu();
    rebuildExamplesMenu();
}

bool FileActions::maybeSave()
{
    if (!document_->isModified())
        return true;
    const QString name = document_->filePath().isEmpty() ? tr("The session")
                                                         : QFileInfo(document_->filePath()).fileName();
    switch (askToSave(tr("%1 has unsaved changes. Save them?").arg(name))) {
    case QMessageBox::Save: return save();
    case QMessageBox::Discard: return true;
    default: return false;
    }
}

bool FileActions::openPath(const QString& path)
{
    if (network_ && isNetworkFile(path))
        return openNetwork(path);
    if (!maybeSave())
        return false;
    QString error;
    if (!document_->open(path, &error)) {
        showError(tr("Cannot open session"), error);
        return false;
    }
    addRecent(path);
    return true;
}

bool FileActions::save()
{
    if (networkActive())
        return saveNetwork(network_->filePath());
    if (document_->filePath().isEmpty()) {
        const QString path = chooseFile(tr("Save session as"), kSessionFilter, true, suggestedSessionPath());
        return !path.isEmpty() && saveTo(path);
    }
    return saveTo(document_->filePath());
}

bool FileActions::saveTo(const QString& path)
{
    QString error;
    if (!document_->save(path, &error)) {
        showError(tr("Cannot save session"), error);
        return false;
    }
    addRecent(path);
    return true;
}

bool FileActions::importCsv(const QString& path)
{
    const QString name = QFileInfo(path).fileName();
    // Not QFile: its open() of a FIFO with no writer blocks the window forever.
    std::string text;
    if (const auto problem = readRegularFile(QFile::encodeName(path).toStdString(), kMaxCsvBytes,
                                             text, "CSV file")) {
        showError(tr("Cannot import CSV"), name + ": " + QString::fromStdString(*problem));
        return false;
    }
    const TableParse parsed = parseTable(text, {kMaxEditSamples, kMaxEditFeatures});
    if (!parsed.ok()) {
        showError(tr("Cannot import CSV"),
                  name + ": " + QString::fromStdString(formatProblem(parsed.problem)));
        return false;
    }
    return document_->replaceBatch(*parsed.table, tr("Import %1").arg(name));
}

bool FileActions::exportResultsCsv(const QString& path)
{
    const FamilyAnalysis* family = document_->analysis();
    if (!family) {
        showError(tr("Cannot export results"),
                  tr("This session cannot be computed: %1")
                      .arg(document_->whyNoAnalysis()));
        return false;
    }
    // Every layer: the quantities of its step list (family_report.h), as bnflow-cli export
    // writes them.
    const std::string text = familyResultsCsv(document_->session(), *family);
    QString error;
    if (!files::writeFileAtomically(path, QByteArray::fromStdString(text), &error)) {
        showError(tr("Cannot export results"), error);
        return false;
    }
    emit exported(tr("Exported the results to %1").arg(path));
    return true;
}

bool FileActions::exportSessionNpz(const QString& path)
{
    const std::string bytes = writeSessionNpz(document_->session());
    QString error;
    if (bytes.empty())
        error = files::writeError(path, tr("the archive could not be built"));
    else if (files::writeFileAtomically(path, QByteArray::fromStdString(bytes), &error)) {
        emit exported(tr("Exported the session to %1: np.load it for x, gamma, beta, dout and eps").arg(path));
        return true;
    }
    showError(tr("Cannot export the session"), error);
    return false;
}

QString FileActions::suggestedSessionPath() const
{
    if (!document_->filePath().isEmpty())
        return document_->filePath();
    return suggestedFileName(*document_, {}, QStringLiteral("bnflow.json"));
}

bool FileActions::openExample(int index)
{
    const auto& list = examples();
    if (index < 0 || index >= int(list.size()) || !maybeSave())
        return false;
    document_->reset(list[std::size_t(index)].session);
    emit exampleOpened(index);
    return true;
}

bool FileActions::handleDrop(const QList<QUrl>& urls)
{
    for (const QUrl& url : urls) {
        if (!url.isLocalFile())
            continue;
        const QString path = url.toLocalFile();
        const QString suffix = QFileInfo(path).suffix().toLower();
        return suffix == QLatin1String("csv") || suffix == QLatin1String("tsv") ||
                       suffix == QLatin1String("txt")
                   ? importCsv(path)
                   : openPath(path);
    }
    return false;
}

QStringList FileActions::recentFiles() const
{
    return QSettings().value(QStringLiteral("files/recent")).toStringList();
}

void FileActions::addRecent(const QString& path)
{
    QStringList recent = recentFiles();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(QStringLiteral("files/recent"), recent);
    rebuildRecentMenu();
}

void FileActions::rebuildRecentMenu()
{
    recent_->clear();
    const QStringList recent = recentFiles();
    for (int k = 0; k < recent.size(); ++k) {
        QAction* a = recent_->addAction(QStringLiteral("&%1 %2").arg(k + 1).arg(QFileInfo(recent[k]).fileName()));
        a->setStatusTip(recent[k]);
        connect(a, &QAction::triggered, this, [this, path = recent[k]] { openPath(path); });
    }
    if (recent.isEmpty())
        recent_->addAction(tr("(none)"))->setEnabled(false);
    else {
        recent_->addSeparator();
        recent_->addAction(tr("Clear list"), this, [this] {
            QSettings().remove(QStringLiteral("files/recent"));
            rebuildRecentMenu();
        });
    }
}

void FileActions::rebuildExamplesMenu()
{
    const auto& list = examples();
    QMap<QString, QMenu*> submenus;
    QString section;
    for (int k = 0; k < int(list.size()); ++k) {
        const Example& example = list[std::size_t(k)];
        QMenu* menu = examples_;
        if (!example.submenu.isEmpty()) {
            QMenu*& sub = submenus[example.submenu];
            if (!sub) {
                examples_->addSeparator();
                sub = examples_->addMenu(example.submenu);
            }
            menu = sub;
            if (example.section != section && !example.section.isEmpty())
                menu->addSection(example.section);
            section = example.section;
        }
        QAction* a = menu->addAction(example.title);
        // The annotation: the session's notes, or for a precision preset what to look for there
        // (shown in the status bar, and as the tooltip).
        const QString notes = example.lookFor.isEmpty() ? QString::fromStdString(example.session.notes) : example.lookFor;
        a->setStatusTip(notes);
        a->setToolTip(notes.isEmpty() ? example.title : notes);
        connect(a, &QAction::triggered, this, [this, k] { openExample(k); });
    }
    for (QMenu* sub : std::as_const(submenus))
        sub->setToolTipsVisible(true);
}

}  // namespace bnflow::ui
