// The Depth tab: the network document beside the session's, its panel, and where the two views
// meet (a layer's norm opened in the walkthrough).
#include <window/main_window.h>

#include <depth/depth_panel.h>
#include <depth/network_document.h>
#include <document/session_document.h>
#include <walkthrough/lecture_mode.h>
#include <walkthrough/walkthrough_panel.h>
#include <window/file_actions.h>

#include <QScrollArea>
#include <QStatusBar>
#include <QTabWidget>

namespace bnflow::ui {

void MainWindow::setupDepth()
{
    network_ = new NetworkDocument(this);
    depth_ = new DepthPanel(network_, display_, this);
    depth_->setObjectName(QStringLiteral("depthPanel"));
    depthPage_ = scrolling(depth_);  // on a small screen the tab scrolls, the window still fits
    tabs_->addTab(depthPage_, tr("&Depth"));
    files_->setNetworkDocument(network_, [this] { return tabs_->currentWidget() == depthPage_; });
    connect(files_, &FileActions::networkOpened, this, [this] { tabs_->setCurrentWidget(depthPage_); });
    connect(depth_, &DepthPanel::exported, this, [this](const QString& text) { statusBar()->showMessage(text, 10000); });
    connect(depth_, &DepthPanel::openSession, this, [this](const Session& session) {
        if (!files_->maybeSave())
            return;
        document_->reset(session);  // an untitled session: Save As names it
        tabs_->setCurrentWidget(walkthrough_);
        statusBar()->showMessage(tr("Opened %1 in the walkthrough").arg(QString::fromStdString(session.title)), 10000);
    });
    // F5 on the Depth tab lectures the depth lab itself, its plots in larger type: less than the
    // walkthrough's, as the tab shows three columns of plots where the walkthrough shows one graph.
    lecture_->setSelfPresenting(depthPage_, [this](double scale) { depth_->setLectureScale(1.0 + (scale - 1.0) * 0.4); });
    connect(tabs_, &QTabWidget::currentChanged, this, &MainWindow::refreshTitle);
    // The status bar speaks of what the tab shows: the network here, the session elsewhere.
    connect(tabs_, &QTabWidget::currentChanged, this, &MainWindow::refreshSummary);
    connect(network_, &NetworkDocument::changed, this, &MainWindow::refreshSummary);
    connect(network_, &NetworkDocument::filePathChanged, this, &MainWindow::refreshTitle);
    connect(network_, &NetworkDocument::modifiedChanged, this, &MainWindow::refreshTitle);
}

}  // namespace bnflow::ui
