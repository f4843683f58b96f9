#include <depth/depth_trainer.h>

#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

namespace bnflow::ui {

DepthTrainer::DepthTrainer(QObject* parent) : QObject(parent)
{
    connect(&watcher_, &QFutureWatcher<DepthResult>::progressValueChanged, this,
            [this](int done) { emit progress(done, watcher_.progressMaximum()); });
    connect(&watcher_, &QFutureWatcher<DepthResult>::finished, this, &DepthTrainer::collect);
}

DepthTrainer::~DepthTrainer()
{
    cancel_ = true;
    watcher_.waitForFinished();
}

bool DepthTrainer::start(const Network& network, const Dataset& data, long steps, double lr)
{
    if (running_)
        return false;
    running_ = true;
    cancel_ = false;
    watcher_.setFuture(QtConcurrent::run([this, network, data, steps, lr](QPromise<DepthResult>& promise) {
        promise.setProgressRange(0, int(steps));
        DepthControl control;
        control.cancel = &cancel_;
        control.progress = [&promise](long done, long) { promise.setProgressValue(int(done)); };
        Network net = network;  // the copy the steps change
        promise.addResult(runDepth(net, data, steps, lr, control));
    }));
    return true;
}

void DepthTrainer::cancel()
{
    cancel_ = true;
}

void DepthTrainer::clear()
{
    steps_.clear();
    problem_.clear();
}

void DepthTrainer::collect()
{
    running_ = false;
    DepthResult result = watcher_.future().resultCount() > 0 ? watcher_.result() : DepthResult{};
    problem_.clear();
    if (result.report)
        steps_ = std::move(result.report->steps);
    else {
        steps_.clear();
        problem_ = result.problems.empty() ? tr("training stopped")
                                           : QString::fromStdString(formatProblem(result.problems.front()));
    }
    emit finished(cancel_.load());
}

}  // namespace bnflow::ui
