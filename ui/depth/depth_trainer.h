// The Depth tab's Train button: K plain SGD steps of a copy of the network (core's runDepth) in
// the background (QtConcurrent), with progress and cancel. Progress and the result arrive as
// signals on the thread that owns the trainer; cancel() takes effect between steps.
#pragma once

#include <core/net/depth_run.h>

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <atomic>
#include <vector>

namespace bnflow::ui {

class DepthTrainer : public QObject {
    Q_OBJECT
public:
    explicit DepthTrainer(QObject* parent = nullptr);
    ~DepthTrainer() override;  // cancels and waits

    // false when a run is already going. The network is copied: the document keeps its own.
    bool start(const Network& network, const Dataset& data, long steps, double lr);
    void cancel();
    bool isRunning() const { return running_; }
    // The last finished run's steps (a cancelled one keeps those it completed); cleared by clear().
    const std::vector<DepthStep>& steps() const { return steps_; }
    QString problem() const { return problem_; }  // why the last run stopped early, or empty
    void clear();

signals:
    void progress(int done, int total);
    void finished(bool cancelled);

private:
    void collect();

    QFutureWatcher<DepthResult> watcher_;
    std::atomic<bool> cancel_{false};
    bool running_ = false;
    std::vector<DepthStep> steps_;
    QString problem_;
};

}  // namespace bnflow::ui
