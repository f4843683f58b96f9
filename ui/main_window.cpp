#include "main_window.h"

#include "result_models.h"
#include "session_document.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace bnflow::ui {
namespace {

const Matrix* staged(const SessionDocument& d, Matrix StagedGradients<double>::*member)
{
    return d.analysis() ? &(d.analysis()->staged.*member) : nullptr;
}

const Matrix* forwardMatrix(const SessionDocument& d, Matrix ForwardCache<double>::*member)
{
    return d.analysis() ? &(d.analysis()->forward.*member) : nullptr;
}

}  // namespace

MainWindow::MainWindow(SessionDocument* document, QWidget* parent)
    : QMainWindow(parent), document_(document)
{
    setupViews();
    setupActions();
    connect(document_, &SessionDocument::resultsChanged, this, &MainWindow::refreshStatus);
    refreshStatus();
}

QWidget* MainWindow::titledTable(const QString& title, const QString& toolTip,
                                 QAbstractItemModel* model)
{
    auto* box = new QGroupBox(title);
    box->setToolTip(toolTip);
    auto* view = new QTableView(box);
    view->setModel(model);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(view);
    return box;
}

void MainWindow::setupViews()
{
    const auto matrixModel = [this](MatrixModel::Source source) {
        return new MatrixModel(document_, std::move(source), this);
    };
    auto* x = matrixModel([](const SessionDocument& d) { return &d.session().x; });
    auto* dout = matrixModel([](const SessionDocument& d) { return &d.session().dout; });
    auto* xhat = matrixModel([](const SessionDocument& d) {
        return forwardMatrix(d, &ForwardCache<double>::xhat);
    });
    auto* y = matrixModel([](const SessionDocument& d) {
        return forwardMatrix(d, &ForwardCache<double>::y);
    });
    auto* stagedDx = matrixModel([](const SessionDocument& d) {
        return staged(d, &StagedGradients<double>::dx);
    });
    auto* fusedDx = matrixModel([](const SessionDocument& d) {
        return d.analysis() ? &d.analysis()->fused.grads.dx : nullptr;
    });

    using Source = std::function<const RowVector*(const SessionDocument&)>;
    const auto fromAnalysis = [](auto pick) -> Source {
        return [pick](const SessionDocument& d) -> const RowVector* {
            return d.analysis() ? &pick(*d.analysis()) : nullptr;
        };
    };
    auto* features = new FeatureModel(
        document_,
        {{tr("gamma"), [](const SessionDocument& d) { return &d.session().gamma; }},
         {tr("beta"), [](const SessionDocument& d) { return &d.session().beta; }},
         {tr("mean"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.forward.mean; })},
         {tr("var"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.forward.var; })},
         {tr("invStd"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.forward.invStd; })},
         {tr("dgamma"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.staged.dgamma; })},
         {tr("dbeta"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.staged.dbeta; })},
         {tr("dvar"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.staged.dvar; })},
         {tr("dmean"), fromAnalysis([](const Analysis& a) -> const RowVector& { return a.staged.dmean; })}},
        this);

    auto* central = new QWidget(this);
    auto* grid = new QGridLayout(central);
    grid->addWidget(titledTable(tr("Batch x (N x D)"), tr("Rows are samples, columns features"), x), 0, 0);
    grid->addWidget(titledTable(tr("Upstream gradient dout"), tr("df/dy, given"), dout), 0, 1);
    grid->addWidget(titledTable(tr("Normalised xhat"), tr("(x - mean) * invStd"), xhat), 0, 2);
    grid->addWidget(titledTable(tr("Output y"), tr("gamma * xhat + beta"), y), 0, 3);
    grid->addWidget(titledTable(tr("Per feature"), tr("Parameters, statistics and their gradients"), features), 1, 0, 1, 2);
    grid->addWidget(titledTable(tr("dx, staged chain rule"), tr("Sum of the paths through xhat, var and mean"), stagedDx), 1, 2);
    grid->addWidget(titledTable(tr("dx, fused closed form"), tr("invStd/N (N dxhat - sum dxhat - xhat sum dxhat xhat)"), fusedDx), 1, 3);
    problemLabel_ = new QLabel(central);
    problemLabel_->setWordWrap(true);
    problemLabel_->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold;"));
    grid->addWidget(problemLabel_, 2, 0, 1, 4);
    setCentralWidget(central);

    diffLabel_ = new QLabel(this);
    statusBar()->addPermanentWidget(diffLabel_);
    resize(1280, 720);
}

void MainWindow::setupActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open..."), this, &MainWindow::openFile);
    open->setShortcut(QKeySequence::Open);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
}

void MainWindow::openFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open session"), {},
                                                      tr("bnflow sessions (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!document_->open(path, &error))
        QMessageBox::warning(this, tr("Cannot open session"), error);
}

void MainWindow::refreshStatus()
{
    const Session& s = document_->session();
    const QString name = document_->filePath().isEmpty()
                             ? tr("Example")
                             : QFileInfo(document_->filePath()).fileName();
    setWindowTitle(tr("%1 — bnflow").arg(name));
    const Analysis* a = document_->analysis();
    problemLabel_->setVisible(!a);
    if (!a) {
        problemLabel_->setText(QString::fromStdString(formatProblem(document_->problems().front())));
        diffLabel_->setText({});
        return;
    }
    diffLabel_->setText(tr("N = %1, D = %2, eps = %3   |   max |fused - staged|: dx %4, dgamma %5, dbeta %6")
                            .arg(s.samples())
                            .arg(s.features())
                            .arg(shortNumber(s.eps))
                            .arg(shortNumber(a->maxAbsDiffDx, 2))
                            .arg(shortNumber(a->maxAbsDiffDgamma, 2))
                            .arg(shortNumber(a->maxAbsDiffDbeta, 2)));
}

}  // namespace bnflow::ui
