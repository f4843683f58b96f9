#include <plots/timing_lab.h>

#include <QThread>

namespace bnflow::ui {

TimingLab::TimingLab(QObject* parent) : QObject(parent) {}

TimingLab::~TimingLab()
{
    if (thread_) {
        cancel_ = true;
        thread_->wait();
        delete thread_;
    }
}

bool TimingLab::start(TimingSweepSettings settings)
{
    if (thread_)
        return false;
    cancel_ = false;
    settings.cancel = &cancel_;
    settings.progress = [this](int done, int total) {
        QMetaObject::invokeMethod(this, [this, done, total] { emit progress(done, total); },
                                  Qt::QueuedConnection);
    };
    thread_ = QThread::create([this, settings] {
        std::vector<TimingPoint> points = timingSweep(settings);
        QMetaObject::invokeMethod(this, [this, points = std::move(points)]() mutable {
            collect(std::move(points));
        }, Qt::QueuedConnection);
    });
    thread_->start();
    return true;
}

void TimingLab::cancel()
{
    cancel_ = true;
}

void TimingLab::collect(std::vector<TimingPoint> points)
{
    thread_->wait();
    delete thread_;
    thread_ = nullptr;
    const bool cancelled = cancel_.load();
    std::erase_if(points, [](const TimingPoint& p) { return p.result.status != TimingResult::Status::Ok; });
    points_ = std::move(points);
    emit finished(cancelled);
}

}  // namespace bnflow::ui
