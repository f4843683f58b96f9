#include <plots/timing_lab.h>

#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

namespace bnflow::ui {

TimingLab::TimingLab(QObject* parent) : QObject(parent)
{
    connect(&watcher_, &QFutureWatcher<TimingRun>::progressValueChanged, this,
            [this](int done) { emit progress(done, watcher_.progressMaximum()); });
    connect(&watcher_, &QFutureWatcher<TimingRun>::finished, this, &TimingLab::collect);
}

TimingLab::~TimingLab()
{
    cancel_ = true;
    watcher_.waitForFinished();
}

bool TimingLab::start(TimingSweepSettings settings)
{
    if (running_)
        return false;
    running_ = true;
    cancel_ = false;
    settings.cancel = &cancel_;
    watcher_.setFuture(QtConcurrent::run([settings](QPromise<TimingRun>& promise) mutable {
        settings.progress = [&promise](int done, int total) {
            promise.setProgressRange(0, total);
            promise.setProgressValue(done);
        };
        promise.addResult(timingRun(settings));
    }));
    return true;
}

void TimingLab::cancel()
{
    cancel_ = true;
}

void TimingLab::collect()
{
    running_ = false;
    TimingRun run = watcher_.future().resultCount() > 0 ? watcher_.result() : TimingRun{};
    std::erase_if(run.points, [](const TimingPoint& p) { return p.result.status != TimingResult::Status::Ok; });
    run_ = std::move(run);
    emit finished(cancel_.load());
}

}  // namespace bnflow::ui
