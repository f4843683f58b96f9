// The main window: wires the document to its views. Holds no numbers and does no math.
#pragma once

#include <QMainWindow>

class QLabel;
class QAbstractItemModel;

namespace bnflow::ui {

class SessionDocument;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(SessionDocument* document, QWidget* parent = nullptr);

private:
    void setupViews();
    void setupActions();
    void refreshStatus();
    QWidget* titledTable(const QString& title, const QString& toolTip, QAbstractItemModel* model);
    void openFile();

    SessionDocument* document_;
    QLabel* problemLabel_ = nullptr;
    QLabel* diffLabel_ = nullptr;
};

}  // namespace bnflow::ui
