// Where the main window goes and how big it is: inside the screen's available area, the docks
// stacked as tabs where three columns or their height do not fit; the layout a user left.
#include <window/main_window.h>

#include <QDockWidget>
#include <QLayout>
#include <QScreen>
#include <QSettings>

namespace bnflow::ui {
namespace {

// Room for the window manager's frame (and a margin) when the frame is not known or is smaller.
constexpr QSize kFrameAllowance(16, 40);

}  // namespace

void MainWindow::fitToScreen()
{
    if (QScreen* where = screen())
        fitInto(where->availableGeometry());
}

void MainWindow::fitInto(const QRect& available)
{
    const QSize frame = isVisible() ? (frameGeometry().size() - geometry().size()).expandedTo(kFrameAllowance)
                                    : kFrameAllowance;
    const QSize room = available.size() - frame;
    auto* batchDock = findChild<QDockWidget*>(QStringLiteral("batchDock"));
    auto* parameterDock = findChild<QDockWidget*>(QStringLiteral("parameterDock"));
    auto* doutDock = findChild<QDockWidget*>(QStringLiteral("doutDock"));
    // Three columns do not fit: the parameters become a tab beside dout on the left, which
    // leaves the middle the width of one dock more. Still too tall (a 1080p screen at 2x):
    // the batch joins them, one editor at a time.
    if (minimumSizeHint().width() > room.width() && dockWidgetArea(parameterDock) != Qt::LeftDockWidgetArea
        && !parameterDock->isFloating()) {
        addDockWidget(Qt::LeftDockWidgetArea, parameterDock);
        tabifyDockWidget(doutDock, parameterDock);
        doutDock->raise();
        layout()->activate();  // the minimum size below is the new arrangement's
    }
    if (minimumSizeHint().height() > room.height() && !tabifiedDockWidgets(doutDock).contains(batchDock)
        && dockWidgetArea(batchDock) == dockWidgetArea(doutDock) && !batchDock->isFloating()) {
        tabifyDockWidget(doutDock, batchDock);
        batchDock->raise();  // x is what a user edits first
    }
    // Tabs take their labels from the titles: short ones, so that all of them can be read.
    if (!tabifiedDockWidgets(doutDock).isEmpty()) {
        batchDock->setWindowTitle(tr("Batch x"));
        doutDock->setWindowTitle(tr("dout"));
        parameterDock->setWindowTitle(tr("Parameters"));
    }
    const bool maximized = isMaximized() || isFullScreen();
    if (!maximized)
        resize(size().boundedTo(room).expandedTo(minimumSizeHint()));
    const QRect outer(pos(), size() + frame);  // pos() is the frame's corner
    if (!maximized && !available.contains(outer))
        move(available.topLeft() + QPoint(std::max(0, (available.width() - outer.width()) / 2),
                                          std::max(0, (available.height() - outer.height()) / 2)));
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    const bool geometry = restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    layoutRestored_ = restoreState(settings.value(QStringLiteral("window/state")).toByteArray()) && geometry;
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
}

}  // namespace bnflow::ui
