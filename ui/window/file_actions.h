// The File menu's logic: open, save, recent files, examples, CSV import and export, and the
// question before unsaved changes are discarded. Holds no session data of its own.
#pragma once

#include <QMessageBox>
#include <QObject>
#include <QStringList>

#include <functional>

class QAction;
class QMenu;
class QUrl;
class QWidget;

namespace bnflow::ui {

class NetworkDocument;
class SessionDocument;

class FileActions : public QObject {
    Q_OBJECT
public:
    FileActions(SessionDocument* document, QWidget* window);

    QAction* newAction() const { return new_; }
    QAction* openAction() const { return open_; }
    QAction* saveAction() const { return save_; }
    QAction* saveAsAction() const { return saveAs_; }
    QAction* importCsvAction() const { return importCsv_; }
    QAction* exportCsvAction() const { return exportCsv_; }
    QAction* exportNpzAction() const { return exportNpz_; }
    QMenu* recentMenu() const { return recent_; }
    QMenu* examplesMenu() const { return examples_; }

    // Each reports failure through showError and leaves the document as it was.
    bool openPath(const QString& path);   // asks first when there are unsaved changes
    bool saveTo(const QString& path);
    bool save();                          // Save As when the document has no file yet
    bool importCsv(const QString& path);  // replaces x: one undo step
    bool exportResultsCsv(const QString& path);
    // The session as an .npz for NumPy (core's writeSessionNpz), written whole or not at all.
    bool exportSessionNpz(const QString& path);
    // False when the user kept the session (or no such example); else exampleOpened().
    bool openExample(int index);
    bool handleDrop(const QList<QUrl>& urls);  // a session opens, a CSV is imported

    // true when the document may be replaced: saved, discarded, or not modified. false: cancel.
    bool maybeSave();

    // The Depth tab's network (doc/depth.md#the-depth-tab): a file whose "format" is
    // "bnflow-network" opens there (openPath, a drop, the command line), the lesson networks join
    // File > Examples, and Save and Save As write the network while `active()` says its tab is
    // the current one.
    void setNetworkDocument(NetworkDocument* network, std::function<bool()> active);
    bool openNetwork(const QString& path);
    bool saveNetwork(const QString& path);  // empty: the network's own file, else Save As
    void openNetworkExample(int index);
    bool maybeSaveNetwork();  // as maybeSave(), for the network
    // Whether the file at `path` is a network file (its "format"), whatever its name.
    static bool isNetworkFile(const QString& path);

    QStringList recentFiles() const;

    // Hooks for the dialogs, so tests can answer them without a modal loop.
    std::function<QMessageBox::StandardButton(const QString& question)> askToSave;
    std::function<void(const QString& title, const QString& message)> showError;
    // suggested: the path a save dialog offers (document/file_names.h); empty for opening.
    std::function<QString(const QString& caption, const QString& filter, bool forSaving,
                          const QString& suggested)> chooseFile;

signals:
    // After a file was written: one line naming it, for the status bar.
    void exported(const QString& message);
    void exampleOpened(int index);  // examples()[index] was opened
    // A network was opened (a file or an example): the window shows the Depth tab.
    void networkOpened();

private:
    QString suggestedSessionPath() const;
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void rebuildExamplesMenu();

    bool networkActive() const { return network_ && networkIsActive_ && networkIsActive_(); }

    SessionDocument* document_;
    NetworkDocument* network_ = nullptr;
    std::function<bool()> networkIsActive_;
    QWidget* window_;
    QAction* new_;
    QAction* open_;
    QAction* save_;
    QAction* saveAs_;
    QAction* importCsv_;
    QAction* exportCsv_;
    QAction* exportNpz_;
    QMenu* recent_;
    QMenu* examples_;
};

}  // namespace bnflow::ui
