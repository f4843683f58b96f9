// Runs core's timingRun() (the sweep, then the copy bandwidth) in the background (QtConcurrent). Progress and the result arrive as
// signals in the thread that owns the lab; cancel() takes effect between samples (about a
// millisecond).
#pragma once

#include <core/math/sweeps.h>

#include <QFutureWatcher>
#include <QObject>

#include <atomic>
#include <vector>

namespace bnflow::ui {

class TimingLab : public QObject {
    Q_OBJECT
public:
    explicit TimingLab(QObject* parent = nullptr);
    ~TimingLab() override;  // cancels and waits for the sweep

    // false when a sweep is already running. settings.cancel and .progress are the lab's own.
    bool start(TimingSweepSettings settings);
    void cancel();
    bool isRunning() const { return running_; }
    // What the last finished sweep measured (a cancelled one keeps its completed points).
    const std::vector<TimingPoint>& points() const { return run_.points; }
    // One core's copy bandwidth measured after the sweep (0 when it did not complete).
    double copyGbps() const { return run_.copy.gbps; }

signals:
    void progress(int done, int total);
    void finished(bool cancelled);

private:
    void collect();

    QFutureWatcher<TimingRun> watcher_;
    std::atomic<bool> cancel_{false};  // core is Qt-free: it polls this, not the future
    bool running_ = false;
    TimingRun run_;
};

}  // namespace bnflow::ui
