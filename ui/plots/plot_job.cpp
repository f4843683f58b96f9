#include <plots/plot_job.h>

#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace bnflow::ui {

PlotJob::PlotJob(QObject* parent) : QObject(parent)
{
    pool_.setMaxThreadCount(1);
    pool_.setThreadPriority(QThread::LowPriority);
    connect(&watcher_, &QFutureWatcher<PlotSpec>::finished, this, &PlotJob::workerFinished);
}

PlotJob::~PlotJob()
{
    stop_ = true;
    watcher_.waitForFinished();
}

void PlotJob::request(Compute compute)
{
    ++newest_;
    delivered_ = false;
    pending_ = std::move(compute);
    if (!running_)
        startPending();
    else
        stop_ = true;  // the running one is stale: let it end early
}

void PlotJob::cancel()
{
    ++newest_;  // whatever runs now is no longer the newest: its result will be dropped
    pending_ = nullptr;
    delivered_ = true;
    stop_ = true;
}

std::function<void(std::size_t, std::size_t)> PlotJob::progressSink()
{
    return [this](std::size_t done, std::size_t total) {
        total_ = total;
        done_ = done;
    };
}

bool PlotJob::busy() const
{
    return !delivered_;
}

void PlotJob::startPending()
{
    runningId_ = newest_;
    running_ = true;
    stop_ = false;  // the previous computation has finished: the flag is this request's now
    done_ = 0;
    total_ = 0;
    watcher_.setFuture(QtConcurrent::run(&pool_, [compute = std::move(pending_)]() -> PlotSpec {
        try {
            return compute();
        } catch (const std::exception& e) {
            PlotSpec failed;
            failed.caption = QString::fromUtf8(e.what());
            return failed;
        }
    }));
    pending_ = nullptr;
}

void PlotJob::workerFinished()
{
    running_ = false;
    if (pending_) {  // a newer request arrived meanwhile: this result is stale
        startPending();
        return;
    }
    if (runningId_ != newest_)  // cancelled meanwhile
        return;
    delivered_ = true;
    emit ready(watcher_.result());
}

}  // namespace bnflow::ui
