#include <plots/plot_job.h>

#include <QThread>

#include <exception>

namespace bnflow::ui {

PlotJob::PlotJob(QObject* parent) : QObject(parent) {}

PlotJob::~PlotJob()
{
    if (worker_) {
        worker_->wait();
        delete worker_;
    }
}

void PlotJob::request(Compute compute)
{
    ++newest_;
    delivered_ = false;
    pending_ = std::move(compute);
    if (!worker_)
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
    running_ = newest_;
    stop_ = false;  // the previous worker has finished: the flag is this request's now
    done_ = 0;
    total_ = 0;
    worker_ = QThread::create([this, compute = std::move(pending_)] {
        try {
            result_ = compute();
        } catch (const std::exception& e) {
            result_ = {};
            result_.caption = QString::fromUtf8(e.what());
        }
    });
    pending_ = nullptr;
    // finished() is emitted on the worker thread; this object lives on the GUI thread, so the
    // slot runs there, after the worker's last write to result_.
    connect(worker_, &QThread::finished, this, &PlotJob::workerFinished);
    worker_->start(QThread::LowPriority);
}

void PlotJob::workerFinished()
{
    worker_->wait();
    delete worker_;
    worker_ = nullptr;
    if (pending_) {  // a newer request arrived meanwhile: this result is stale
        startPending();
        return;
    }
    if (running_ != newest_)  // cancelled meanwhile
        return;
    delivered_ = true;
    emit ready(result_);
}

}  // namespace bnflow::ui
