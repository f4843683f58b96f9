// Where the main window goes and how big it is: inside the screen's available area, the docks
// stacked as tabs where three columns or their height do not fit; the layout a user left.
#include <window/main_window.h>

#include <document/session_document.h>
#include <editors/editor_panels.h>
#include <tables/matrix_view.h>
#include <window/dock_folding.h>
#include <window/tab_titles.h>

#include <QDockWidget>
#include <QHeaderView>
#include <QLayout>
#include <QScreen>
#include <QSettings>
#include <QStyle>
#include <QTabWidget>

namespace bnflow::ui {
namespace {

// Room for the window manager's frame (and a margin) when the frame is not known or is smaller.
constexpr QSize kFrameAllowance(16, 40);
// The rows of x and dout the editors show before they scroll.
constexpr int kEditorRows = 8;
// The rows each editor shows whole one above the other, or they take turns (tabs): a batch of 4,
// the examples' and a new session's.
constexpr int kWholeRows = 4;
constexpr int kSlack = 4;  // the pixels the header's rounding of stretched columns loses: none shows 1 px short

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
    auto* doutDock = findChild<QDockWidget*>(QStringLiteral("doutDock"));
    // Three columns do not fit: the parameters become a tab beside dout on the left, which
    // leaves the middle the width of one dock more. Still too tall (a 1080p screen at 2x):
    // the batch joins them, one editor at a time.
    if (minimumSizeHint().width() > room.width())
        stackParameters();
    if (minimumSizeHint().height() > room.height() && !tabifiedDockWidgets(doutDock).contains(batchDock)
        && dockWidgetArea(batchDock) == dockWidgetArea(doutDock) && !batchDock->isFloating()) {
        tabifyDockWidget(doutDock, batchDock);
        batchDock->raise();  // x is what a user edits first
    }
    shortenDockTitles();
    const bool maximized = isMaximized() || isFullScreen();
    if (!maximized)
        resize(size().boundedTo(room).expandedTo(minimumSizeHint()));
    const QRect outer(pos(), size() + frame);  // pos() is the frame's corner
    if (!maximized && !available.contains(outer))
        move(available.topLeft() + QPoint(std::max(0, (available.width() - outer.width()) / 2),
                                          std::max(0, (available.height() - outer.height()) / 2)));
    available_ = available;
    fitEditors();
}

void MainWindow::stackParameters()
{
    auto* parameterDock = findChild<QDockWidget*>(QStringLiteral("parameterDock"));
    auto* doutDock = findChild<QDockWidget*>(QStringLiteral("doutDock"));
    if (dockWidgetArea(parameterDock) == Qt::LeftDockWidgetArea || parameterDock->isFloating())
        return;
    addDockWidget(Qt::LeftDockWidgetArea, parameterDock);
    tabifyDockWidget(doutDock, parameterDock);
    doutDock->raise();
    layout()->activate();  // the minimum size is the new arrangement's
    shortenDockTitles();
}

void MainWindow::shortenDockTitles()
{
    // Tabs take their labels from the titles: short ones, so that all of them can be read.
    auto* doutDock = findChild<QDockWidget*>(QStringLiteral("doutDock"));
    if (tabifiedDockWidgets(doutDock).isEmpty())
        return;
    findChild<QDockWidget*>(QStringLiteral("batchDock"))->setWindowTitle(tr("Batch x"));
    doutDock->setWindowTitle(tr("dout"));
    findChild<QDockWidget*>(QStringLiteral("parameterDock"))->setWindowTitle(tr("Parameters"));
}

void MainWindow::fitEditors()
{
    // Folded away (the Depth tab, a laptop's walkthrough), the docks have no width to fit:
    // they are fitted when they come back (MainWindow: DockFolding::unfolded).
    if (folding_ && folding_->isFolded())
        return;
    const Session& session = document_->session();
    fittedShape_ = QSize(int(session.x.cols()), int(session.x.rows()));
    auto* batchDock = findChild<QDockWidget*>(QStringLiteral("batchDock"));
    auto* doutDock = findChild<QDockWidget*>(QStringLiteral("doutDock"));
    auto* parameterDock = findChild<QDockWidget*>(QStringLiteral("parameterDock"));
    if (available_.isEmpty() || batchDock->isFloating() || dockWidgetArea(batchDock) != dockWidgetArea(doutDock))
        return;
    const int room = available_.width() - kFrameAllowance.width();
    const int separator = style()->pixelMetric(QStyle::PM_DockWidgetSeparatorExtent, nullptr, this);
    // Every column of x and dout, beside a middle that keeps its tab bar whole.
    int columns = 0;
    for (QDockWidget* dock : {batchDock, doutDock}) {
        MatrixView* view = dock == batchDock ? batch_->view() : dout_->view();
        const int shown = view->contentSize(kEditorRows).width();
        // Laid out: the width the columns lack now; else what the table and the dock's frame ask.
        // (the scroll bar's range: the header's rounding of stretched columns can overshoot by a pixel)
        const int lacking = std::max(view->model()->columnCount() * view->horizontalHeader()->minimumSectionSize() -
                                         view->viewport()->width(),
                                     view->horizontalHeader()->length() - view->viewport()->width());
        columns = std::max(columns, view->isVisible() ? dock->width() + lacking
                                                      : shown + dock->sizeHint().width() - dock->widget()->sizeHint().width());
    }
    columns += kSlack;
    const int middle = std::max(tabs_->minimumSizeHint().width(), tabTitles_->shortWidth());
    const bool rightColumn = dockWidgetArea(parameterDock) == Qt::RightDockWidgetArea && !parameterDock->isFloating()
                             && parameterDock->isVisible();
    if (rightColumn && columns + middle + parameterDock->minimumSizeHint().width() + 2 * separator > room)
        stackParameters();
    const int right = dockWidgetArea(parameterDock) == Qt::RightDockWidgetArea ? parameterDock->width() + separator : 0;
    resizeDocks({batchDock}, {std::min(columns, room - middle - right - separator)}, Qt::Horizontal);
    // One above the other: x's dock as tall as its rows (up to kEditorRows), dout's the rest.
    if (!tabifiedDockWidgets(doutDock).contains(batchDock)) {
        const auto tall = [](QDockWidget* dock, MatrixView* view, int rows) {
            const int chrome = view->isVisible() ? dock->height() - view->height()
                                                 : dock->sizeHint().height() - view->sizeHint().height();
            return view->contentSize(rows).height() + chrome;
        };
        // Where the column cannot hold both with a batch of 4 whole (1920x1080 at 2x: dout showed 3
        // of its 4 rows), x and dout take turns in it, as tabs, each with the column's height.
        // Room is kept for what a session changes without a new shape: a scroll bar under
        // the columns, a second line of dout's note.
        layout()->activate();
        const int column = batchDock->height() + doutDock->height() + separator;
        const int slack = style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, this) + fontMetrics().lineSpacing();
        if (batchDock->isVisible() && doutDock->isVisible()
            && tall(batchDock, batch_->view(), kWholeRows) + tall(doutDock, dout_->view(), kWholeRows) + separator + slack > column) {
            tabifyDockWidget(doutDock, batchDock);
            batchDock->raise();  // x is what a user edits first
            shortenDockTitles();
            return;
        }
        resizeDocks({batchDock, doutDock}, {tall(batchDock, batch_->view(), kEditorRows), tall(doutDock, dout_->view(), kEditorRows)},
                    Qt::Vertical);
    }
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
